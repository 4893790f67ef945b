import FlowSpec
import Foundation
import Testing

@testable import Engine

/// The words of "why did it run?" for each part of a cache key, and the parts themselves.
@Suite struct CacheWhyTests {
    static let base = CacheKeyParts(
        action: "uses preprocess", flowrun: "0.1.0",
        with: ["window": "50", "input": "\"file:inputs.dataset\"", "fill": "\"interpolate\""],
        files: ["inputs.dataset": "aaa"])

    @Test func eachPartHasItsSentence() {
        var upgraded = Self.base
        upgraded.flowrun = "0.2.0"
        #expect(CacheWhy.explain(old: Self.base, new: upgraded) == "flowrun upgraded 0.1.0 → 0.2.0")

        var window = Self.base
        window.with["window"] = "25"
        #expect(CacheWhy.explain(old: Self.base, new: window) == "param window 50 → 25")

        var data = Self.base
        data.files["inputs.dataset"] = "bbb"
        #expect(CacheWhy.explain(old: Self.base, new: data) == "dataset content changed")

        var upstream = Self.base
        upstream.files = ["steps.preprocess/train.csv": "1"]
        var upstreamChanged = upstream
        upstreamChanged.files["steps.preprocess/train.csv"] = "2"
        #expect(CacheWhy.explain(old: upstream, new: upstreamChanged) == "preprocess's output train.csv changed")

        #expect(CacheWhy.explain(old: Self.base, new: Self.base) == nil)
    }

    @Test func aCommandNamesItsChangedParamsAndManyChangesAreCounted() {
        let old = CacheKeyParts(
            action: "run", flowrun: nil,
            with: ["command": "\"echo a\"", "env": #"{"FLOWRUN_PARAM_MODEL_TYPE":"logistic","X":"1"}"#], files: [:])
        var new = old
        new.with["env"] = #"{"FLOWRUN_PARAM_MODEL_TYPE":"linear","X":"1"}"#
        #expect(CacheWhy.explain(old: old, new: new) == "param model_type logistic → linear")
        new.with["command"] = "\"echo b\""
        #expect(CacheWhy.explain(old: old, new: new) == "the command changed; param model_type logistic → linear")

        var many = Self.base
        many.flowrun = "0.2.0"
        many.with = ["window": "1", "input": "2", "fill": "3"]
        #expect(CacheWhy.explain(old: Self.base, new: many)?.hasSuffix(" and 1 more") == true)
    }

    @Test func pathsBecomeLabelsAndTheRunFolderLeavesTheKey() {
        var known = KnownFiles()
        known.add(path: "/d/runs/r1/prep/out.csv", label: "steps.prep/out.csv", sha256: "h1")
        let (with, files) = known.canonical(
            [
                "input": .string("/d/runs/r1/prep/out.csv"), "command": .string("cat /d/runs/r1/prep/out.csv /d/runs/r1/other/x > y"),
                "n": .number(3),
            ],
            dataRoot: URL(fileURLWithPath: "/d"), runFolder: URL(fileURLWithPath: "/d/runs/r1"))
        #expect(with["input"] == "\"file:steps.prep/out.csv\"")
        #expect(with["command"] == "\"cat file:steps.prep/out.csv <run>/other/x > y\"")
        #expect(with["n"] == "3")
        #expect(files == ["steps.prep/out.csv": "h1"])
        // The key is a function of the parts only.
        let a = CacheKeyParts(action: "run", flowrun: nil, with: with, files: files)
        #expect(a.key == CacheKeyParts(json: a.json)?.key)
        #expect(a.key.count == 64)
    }
}
