/// One exam's samples: times and one column of values per channel, NaN for missing.
struct ExamSeries {
    var id: String
    var label: String = ""
    var times: [Double] = []
    var channels: [[Double]]

    init(id: String, channelCount: Int) {
        self.id = id
        self.channels = Array(repeating: [], count: channelCount)
    }

    var count: Int { times.count }
}
