/// How many of a worker's slots a step takes while it runs, when the workflow does not say `cpu:`.
///
/// A slot is a share of a worker: a worker has `--slots` of them (default 4 × its cores) and runs
/// steps while their slots fit. A step that waits on a program or the disk takes one; a step that
/// keeps several cores busy (a forest fit) says so, so that the worker does not start three more
/// next to it. The attempt gets the number in ``StepContext/slots``.
public enum StepSlots: Sendable, Equatable {
    /// A fixed number of slots.
    case count(Int)
    /// As many slots as the machine that plans the run has cores.
    case allCores

    /// The slots on a machine with `cores` cores.
    public func resolved(cores: Int) -> Int {
        switch self {
        case .count(let n): max(1, n)
        case .allCores: max(1, cores)
        }
    }
}
