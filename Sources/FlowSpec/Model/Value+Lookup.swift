extension Value {
    /// The value under `key` of a map; nil for a missing key or a value that is not a map.
    public subscript(key: String) -> Value? {
        mapValue?[key]
    }

    /// The item at `index` of a list; nil out of range or for a value that is not a list.
    public subscript(index: Int) -> Value? {
        guard let list = listValue, list.indices.contains(index) else { return nil }
        return list[index]
    }
}
