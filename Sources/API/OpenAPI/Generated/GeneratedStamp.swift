// Written by scripts/generate-openapi; OpenAPIGeneratedTests checks it.
/// What the files beside this one were generated from (the generator's version, openapi.yaml and
/// the config) and what they were, as SHA-256: a changed contract without a regeneration, or a
/// hand edit of a generated file, fails the test.
enum OpenAPIGeneratedStamp {
    static let generator = "swift-openapi-generator 1.14.3"
    static let inputs = "4747c1fe63f27e374c74815d320bb7e4235f11812105459865b544b2433cdcbd"
    static let outputs = "fed97733760f927448d4c73b56557b3c7377a35142b5cc80407546d3605346e4"
}
