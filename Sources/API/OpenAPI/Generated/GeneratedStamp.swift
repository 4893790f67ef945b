// Written by scripts/generate-openapi; OpenAPIGeneratedTests checks it.
/// What the files beside this one were generated from (the generator's version, openapi.yaml and
/// the config) and what they were, as SHA-256: a changed contract without a regeneration, or a
/// hand edit of a generated file, fails the test.
enum OpenAPIGeneratedStamp {
    static let generator = "swift-openapi-generator 1.14.3"
    static let inputs = "0d4a191694db9d2117e82a046d64a102302ee88bf5671bbda3b4872ffce23c40"
    static let outputs = "f01ec72d44801d3f1e2ad36e5ecbe4ad19c0a0f80b70ece74ae2b7a5450dd8b7"
}
