// Written by scripts/generate-openapi; OpenAPIGeneratedTests checks it.
/// What the files beside this one were generated from (the generator's version, openapi.yaml and
/// the config) and what they were, as SHA-256: a changed contract without a regeneration, or a
/// hand edit of a generated file, fails the test.
enum OpenAPIGeneratedStamp {
    static let generator = "swift-openapi-generator 1.14.3"
    static let inputs = "cffd54e845d40f1792e9433fe2d6a0eb56cfb11876323e5156dacb4971f4a7b7"
    static let outputs = "29b3609e383555daa9437df30fb0f5f77ee747cc94c1657b784c667d37653587"
}
