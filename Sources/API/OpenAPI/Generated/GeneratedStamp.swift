// Written by scripts/generate-openapi; OpenAPIGeneratedTests checks it.
/// What the files beside this one were generated from (the generator's version, openapi.yaml and
/// the config) and what they were, as SHA-256: a changed contract without a regeneration, or a
/// hand edit of a generated file, fails the test.
enum OpenAPIGeneratedStamp {
    static let generator = "swift-openapi-generator 1.14.3"
    static let inputs = "9948fac6e03fe7d63bfebd9fc743dbd0c2d4241142bc11733bb046541dba4f8f"
    static let outputs = "a0d5634d257d139f30a8db1ff39a743a727c7bb4465da0cbb907f0f554293bdd"
}
