// Written by scripts/generate-openapi; OpenAPIGeneratedTests checks it.
/// What the files beside this one were generated from (the generator's version, openapi.yaml and
/// the config) and what they were, as SHA-256: a changed contract without a regeneration, or a
/// hand edit of a generated file, fails the test.
enum OpenAPIGeneratedStamp {
    static let generator = "swift-openapi-generator 1.14.3"
    static let inputs = "23db5695db472efed849a0149bed850d43722bb271fb4bb8a68d06008992409a"
    static let outputs = "d24d8f84575e69388e7d84915ebc57b54776b2ad992b6cfbaa2b169bc272ce85"
}
