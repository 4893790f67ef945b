/// The version of the numeric core's model file format.
public enum LearnFormat {
    public static let modelFileVersion = 1
}
