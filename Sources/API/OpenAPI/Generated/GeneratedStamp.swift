// Written by scripts/generate-openapi; OpenAPIGeneratedTests checks it.
/// What the files beside this one were generated from (the generator's version, openapi.yaml and
/// the config) and what they were, as SHA-256: a changed contract without a regeneration, or a
/// hand edit of a generated file, fails the test.
enum OpenAPIGeneratedStamp {
    static let generator = "swift-openapi-generator 1.14.3"
    static let inputs = "17ba13a8442e0e9d0fca47626e4deca9bd1a8e9c275415fa5163cae1add5e513"
    static let outputs = "34ed73519252b26b78a2e7de4e9fdf50be3314ad2e47784f2a7e3e94b57ff72b"
}
