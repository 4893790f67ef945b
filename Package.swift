// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "flowrun",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "flowrun", targets: ["flowrun"]),
        // libFuzzer target over the YAML parser and validator; build with
        // swift build --product FlowSpecFuzz --sanitize fuzzer --sanitize address --scratch-path .build-fuzz
        .executable(name: "FlowSpecFuzz", targets: ["FlowSpecFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/vapor/sql-kit", exact: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", exact: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", exact: "2.17.0"),
        .package(url: "https://github.com/vapor/sqlite-nio", exact: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        // The API's types and server protocol are generated from Sources/API/openapi.yaml by
        // swift-openapi-generator 1.14.3 (scripts/generate-openapi; the output is committed).
        .package(url: "https://github.com/apple/swift-openapi-runtime", exact: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", exact: "2.1.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
    ],
    targets: [
        // C libraries from Debian's packages, one module map each.
        .systemLibrary(name: "CXGBoost", path: "Sources/CXGBoost"),
        .systemLibrary(name: "CLinear", path: "Sources/CLinear"),
        .systemLibrary(name: "CLapack", path: "Sources/CLapack"),

        // FlowSpec imports Yams' libyaml (its CYaml module) directly: YAMLComposer builds nodes from
        // libyaml's events itself, to bound hostile input (a node budget that counts alias
        // expansions, a depth limit) and to report a duplicate key at its repeat, where Yams'
        // composer reports the first occurrence.
        .target(name: "FlowSpec", dependencies: [.product(name: "Yams", package: "Yams")]),
        // FlowSpec: the one number formatter (NumberText) for the profile's bounds.
        .target(name: "Learn", dependencies: ["FlowSpec", "CXGBoost", "CLinear", "CLapack"]),
        // Starts a step's program under a guard that kills its process group when the engine dies.
        .target(name: "CSpawn"),
        .target(name: "Steps", dependencies: ["FlowSpec", "Learn", "CSpawn"]),
        .target(name: "Threads"),
        .target(
            name: "Store",
            dependencies: [
                "Threads",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Engine",
            dependencies: [
                // Learn: the dataset profile, measured when a file is registered.
                "FlowSpec", "Learn", "Steps", "Store", "Threads",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "API",
            dependencies: [
                "Engine", "Store", "FlowSpec",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                // /metrics: the server's own counters go through swift-metrics, exposed by swift-prometheus.
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Reads the contract, openapi.yaml, to serve it as JSON.
                .product(name: "Yams", package: "Yams"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
            ],
            resources: [
                // The dashboard's and the docs page's templates, and the files served under /assets/.
                .copy("Resources/Templates"), .copy("Resources/Assets"),
                // The API's contract, served at /api/openapi.json and /api/openapi.yaml.
                .copy("openapi.yaml"),
            ]),
        .executableTarget(
            name: "flowrun",
            dependencies: [
                "FlowSpec", "Learn", "Steps", "Store", "Engine", "API",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(name: "FlowSpecFuzz", dependencies: ["FlowSpec"]),

        .testTarget(name: "FlowSpecTests", dependencies: ["FlowSpec"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LearnTests", dependencies: ["Learn"]),
        .testTarget(name: "StepsTests", dependencies: ["Steps"]),
        // What tests share and the product must not ship: the throwaway databases (SQLite files,
        // PostgreSQL databases) the tests run against, and the manual clock.
        .target(
            name: "TestSupport", dependencies: ["Engine", .product(name: "PostgresNIO", package: "postgres-nio")], path: "Tests/Support"),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "TestSupport"]),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"), .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
    ]
)
