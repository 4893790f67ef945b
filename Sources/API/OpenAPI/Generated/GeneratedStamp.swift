// Written by scripts/generate-openapi; OpenAPIGeneratedTests checks it.
/// What the files beside this one were generated from (the generator's version, openapi.yaml and
/// the config) and what they were, as SHA-256: a changed contract without a regeneration, or a
/// hand edit of a generated file, fails the test.
enum OpenAPIGeneratedStamp {
    static let generator = "swift-openapi-generator 1.14.3"
    static let inputs = "f695d89e81f8fb543aa21df636797bf8bb717b1f1fe42fc93bc0f54e05400252"
    static let outputs = "d24d8f84575e69388e7d84915ebc57b54776b2ad992b6cfbaa2b169bc272ce85"
}
