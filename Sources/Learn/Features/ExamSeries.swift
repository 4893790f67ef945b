/// One exam's samples: times and one column of values per channel, NaN for missing.
struct ExamSeries {
    var id: String
    var label: String = ""
    var times: [Double] = []
    var channels: [[Double]]
    /// The file row of the exam's first record (for errors).
    var firstRow = 0
    /// Where a split column put the exam, and the row that said so first.
    var side: ExamSide?
    var sideRow = 0

    init(id: String, channelCount: Int) {
        self.id = id
        self.channels = Array(repeating: [], count: channelCount)
    }

    var count: Int { times.count }
}
