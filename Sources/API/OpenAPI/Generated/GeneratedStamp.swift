// Written by scripts/generate-openapi; OpenAPIGeneratedTests checks it.
/// What the files beside this one were generated from (the generator's version, openapi.yaml and
/// the config) and what they were, as SHA-256: a changed contract without a regeneration, or a
/// hand edit of a generated file, fails the test.
enum OpenAPIGeneratedStamp {
    static let generator = "swift-openapi-generator 1.14.3"
    static let inputs = "d96f367c4f1246fb67681efe040c62c369cd0ad327574c291a8c2d1b60c6baf3"
    static let outputs = "dcc95a345c14f4b67d6155485e758cff7c15f80d66014708b2662e10422436f8"
}
