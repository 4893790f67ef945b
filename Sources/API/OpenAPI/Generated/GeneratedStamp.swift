// Written by scripts/generate-openapi; OpenAPIGeneratedTests checks it.
/// What the files beside this one were generated from (the generator's version, openapi.yaml and
/// the config) and what they were, as SHA-256: a changed contract without a regeneration, or a
/// hand edit of a generated file, fails the test.
enum OpenAPIGeneratedStamp {
    static let generator = "swift-openapi-generator 1.14.3"
    static let inputs = "e3d208d50cec9d9cbf02c6d64d86f8f54029432190cfe5f26112a65d0124dd64"
    static let outputs = "a0d5634d257d139f30a8db1ff39a743a727c7bb4465da0cbb907f0f554293bdd"
}
