/// The version flowrun reports (`flowrun --version`, `GET /api/health`).
public enum FlowrunVersion {
    public static let current = "0.1.0"
}
