import FlowSpec

// libFuzzer entry point: any bytes through the parser and the validator must give diagnostics,
// never a crash, a hang or unbounded memory. Build and run:
//   swift build --product FlowSpecFuzz --sanitize fuzzer --sanitize address --scratch-path .build-fuzz
//   .build-fuzz/debug/FlowSpecFuzz Tests/FlowSpecTests/Fixtures -max_total_time=300
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    let (workflow, diagnostics) = WorkflowLoader.load(yaml: text, file: "fuzz.yaml", knownSteps: ["noop", "command", "train"])
    // Invariants: a workflow comes back only without errors, and every diagnostic has a place.
    precondition(workflow == nil || !diagnostics.contains { $0.severity == .error })
    precondition(diagnostics.allSatisfy { $0.line >= 1 && $0.column >= 1 })
    if let workflow {
        _ = workflow.topologicalOrder()
        _ = try? workflow.resolveParams([:])
    }
    return 0
}
