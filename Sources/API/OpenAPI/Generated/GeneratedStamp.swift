// Written by scripts/generate-openapi; OpenAPIGeneratedTests checks it.
/// What the files beside this one were generated from (the generator's version, openapi.yaml and
/// the config) and what they were, as SHA-256: a changed contract without a regeneration, or a
/// hand edit of a generated file, fails the test.
enum OpenAPIGeneratedStamp {
    static let generator = "swift-openapi-generator 1.14.3"
    static let inputs = "360563dcbeffa90dcd59d7d29cce163b5f19788e59242e5a70f6340514a77015"
    static let outputs = "34ed73519252b26b78a2e7de4e9fdf50be3314ad2e47784f2a7e3e94b57ff72b"
}
