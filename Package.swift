// swift-tools-version:6.2
import PackageDescription

/// Settings every callhook module shares: Swift 6 mode with strict
/// concurrency, and no warnings (they are errors).
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
]

/// jemalloc for the whole process of the two executables (Debian:
/// libjemalloc-dev), with the options of `CallhookAllocator`:
/// docs/architecture.md, "The allocator".
let jemalloc: [LinkerSetting] = [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]

let package = Package(
    name: "callhook",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "callhook", targets: ["callhook"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // libcurl, from the system (Debian: libcurl4-openssl-dev).
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // libcrypto from OpenSSL (Debian: libssl-dev), for HMAC-SHA256.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // SQLite's C API (Debian: libsqlite3-dev), for the queue's hot
        // statements; GRDB does everything else.
        .systemLibrary(
            name: "CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // jemalloc (Debian: libjemalloc-dev), found through pkg-config: a
        // build without it names the package to install.
        .systemLibrary(
            name: "CJemalloc",
            pkgConfig: "jemalloc",
            providers: [.apt(["libjemalloc-dev"])]
        ),
        // jemalloc's options for the two executables (C: `malloc_conf`).
        .target(
            name: "CallhookAllocator",
            dependencies: [.target(name: "CJemalloc", condition: .when(platforms: [.linux]))]
        ),
        // P3's pipeline in C (SQLite and one libcurl multi handle, nothing
        // of callhook): the benchmark's upper bound for P3.
        .target(name: "CDispatchFloor", dependencies: ["CCurl", "CSQLite"]),
        // Async HTTP client over one curl multi handle.
        .target(
            name: "Curl",
            dependencies: ["CCurl"],
            swiftSettings: strict
        ),
        // Events, phone numbers, call tracker: pure, no I/O.
        .target(name: "Calls", swiftSettings: strict),
        // TOML reading: parser, node tree with positions, TableReader,
        // problems, durations, and callhook.toml (DaemonConfig). Pure.
        .target(name: "Config", swiftSettings: strict),
        // Rule files -> compiled rule set; classify, match, render: pure.
        .target(
            name: "RuleEngine",
            dependencies: [
                "Config", "Calls",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict
        ),
        // Caller lookup (peoplefone CONNECTOR): parser, cache, coalescing, timeout.
        .target(
            name: "Lookup",
            dependencies: [
                "Curl", "Calls",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // The durable queue, retry policy, signing and the dispatcher.
        .target(
            name: "Delivery",
            dependencies: [
                "Curl", "RuleEngine", "Calls", "COpenSSL", "CSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            swiftSettings: strict
        ),
        // The delivery queue in PostgreSQL, shared by several instances.
        .target(
            name: "PostgresQueue",
            dependencies: [
                "Delivery", "RuleEngine", "Calls",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // SSE parser, NFON client.
        .target(
            name: "Feeds",
            dependencies: [
                "Curl", "Calls",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            swiftSettings: strict
        ),
        // Agent tokens, the agent hub (who is ringing now, per-agent
        // buffers, SSE frames) and the web agent page.
        .target(
            name: "Agents",
            dependencies: [
                "Calls", "COpenSSL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // HTTP: loopback servers, health, readiness, metrics.
        .target(
            name: "Server",
            dependencies: [
                "Agents", "Calls",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The NFON-compatible simulator and its traffic generator.
        .target(
            name: "Simulator",
            dependencies: [
                "Calls", "Server",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Wiring: the pipeline, the demo, the daemon, the service group.
        .target(
            name: "Callhook",
            dependencies: [
                "Calls", "RuleEngine", "Delivery", "PostgresQueue", "Feeds", "Simulator", "Curl", "Server", "Agents",
                "Lookup",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "callhook",
            dependencies: [
                "Callhook", "Simulator", "RuleEngine", "Calls", "Delivery", "Agents", "CallhookAllocator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict,
            linkerSettings: jemalloc
        ),
        .executableTarget(
            name: "callhook-bench",
            dependencies: [
                "Curl", "Callhook", "Calls", "Simulator", "RuleEngine", "Delivery", "Agents", "Feeds", "PostgresQueue",
                "TestSupport", "CallhookAllocator", "CDispatchFloor",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict,
            linkerSettings: jemalloc
        ),
        // A small HTTP/1.1 server for tests that need to count connections,
        // delay answers or send oversized bodies.
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "CurlTests", dependencies: ["Curl", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "DispatchFloorTests", dependencies: ["CDispatchFloor", "CSQLite", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CallsTests", dependencies: ["Calls"], swiftSettings: strict),
        .testTarget(
            name: "LookupTests",
            dependencies: [
                "Lookup", "Curl", "Calls", "TestSupport", .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "DeliveryTests",
            dependencies: [
                "Delivery", "RuleEngine", "Calls", "Curl", "TestSupport", "CSQLite", "Callhook",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "PostgresQueueTests",
            dependencies: [
                "PostgresQueue", "Delivery", "RuleEngine", "Calls", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(name: "AgentsTests", dependencies: ["Agents", "Calls"], swiftSettings: strict),
        .testTarget(name: "RuleEngineTests", dependencies: ["RuleEngine", "Config", "Calls"], swiftSettings: strict),
        .testTarget(name: "ConfigTests", dependencies: ["Config"], swiftSettings: strict),
        .testTarget(
            name: "FeedsTests", dependencies: ["Feeds", "Calls", "Curl", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(
            name: "SimulatorTests",
            dependencies: ["Simulator", "Feeds", "Calls", "Curl", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Agents", "Calls",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Depends on the executable so that a filtered `swift test` run
        // rebuilds `callhook` first and never drives a stale binary.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport", "Curl", "Feeds", "Calls", "Agents", .target(name: "callhook")],
            exclude: ["api_conformance.py", "openapi_conformance.py", "verify_signatures.py", "agent_browser.py"],
            swiftSettings: strict),
    ]
)
