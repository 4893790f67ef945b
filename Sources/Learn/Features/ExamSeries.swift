/// One exam's samples: times and one column of values per channel, NaN for missing.
struct ExamSeries {
    var id: String
    var label: String = ""
    var times: [Double] = []
    var channels: [[Double]]
    var firstRow = 0

    init(id: String, channelCount: Int, firstRow: Int) {
        self.id = id
        self.channels = Array(repeating: [], count: channelCount)
        self.firstRow = firstRow
    }

    var count: Int { times.count }
}
