/// A step's `matrix:` as written: value lists per name, and the partial combinations to drop or add.
/// docs/experiments.md ("Matrix sweeps") is the user's description; ``MatrixExpansion`` applies it.
public struct MatrixSpec: Sendable, Equatable {
    /// Name → values, in file order (the first name varies slowest in the combinations).
    public var axes: [(name: String, values: [Value])]
    /// Partial combinations removed from the product (GitHub Actions' `exclude`).
    public var exclude: [[String: Value]]
    /// Partial combinations that extend matching combinations or are added (GitHub Actions' `include`).
    public var include: [[String: Value]]
    /// At most this many instances of the step run at once; nil: no limit beyond the workers'.
    public var maxParallel: Int?

    public init(
        axes: [(name: String, values: [Value])], exclude: [[String: Value]] = [], include: [[String: Value]] = [],
        maxParallel: Int? = nil
    ) {
        self.axes = axes
        self.exclude = exclude
        self.include = include
        self.maxParallel = maxParallel
    }

    public static func == (a: MatrixSpec, b: MatrixSpec) -> Bool {
        a.axes.map(\.name) == b.axes.map(\.name) && a.axes.map(\.values) == b.axes.map(\.values)
            && a.exclude == b.exclude && a.include == b.include && a.maxParallel == b.maxParallel
    }

    /// More combinations than this is an error at validation: a typo (`range` of a thousand values)
    /// should not submit a thousand steps.
    public static let maxCombinations = 256
}

/// One matrix item: its values, with names in a fixed order (axes first, then what `include` added).
public struct MatrixCombination: Sendable, Hashable {
    public var names: [String]
    public var values: [String: Value]

    /// `model_type=logistic,window=50`: the part of an instance id inside the brackets. Characters
    /// other than letters, digits and `._+-` are percent-encoded, so a value can neither reach
    /// outside the step's artifact folder (`/`) nor make two items' ids equal.
    public var label: String {
        names.map { "\($0)=\(Self.encode(values[$0]?.interpolated ?? ""))" }.joined(separator: ",")
    }

    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "-"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// What a step's matrix makes of it: its own `matrix:`/`gather:` as written, and, once expanded,
/// which item an instance is and how its references find their upstream instances.
public struct MatrixPart: Sendable, Equatable {
    /// The step's own `matrix:`.
    public var spec: MatrixSpec?
    /// `gather: true`: the step runs once, after every instance of the matrix steps it needs, and
    /// reads them as `${{ steps.ID.items }}`.
    public var gather = false
    /// The step's id as written (`train`), for an instance (`train[model_type=logistic]`); nil otherwise.
    public var declaredID: String?
    /// The instance's item: `${{ matrix.NAME }}` reads it. Empty for a step outside any matrix.
    public var values: [String: Value] = [:]
    /// Declared id → this instance's sibling instance id: `steps.train.outputs.model` in
    /// `evaluate[model_type=logistic]` reads `train[model_type=logistic]`.
    public var aliases: [String: String] = [:]
    /// Declared id → its instances in item order, with their values: what `steps.ID.items` lists.
    public var gathered: [String: [GatheredInstance]] = [:]

    public init() {}
}

/// One instance a gathering step reads.
public struct GatheredInstance: Sendable, Equatable {
    public var id: String
    public var values: [String: Value]
    public init(id: String, values: [String: Value]) {
        self.id = id
        self.values = values
    }
}
