import Foundation
import TestSupport
import Testing

/// The several-replica deployment (Deploy/kubernetes/scale-out/) and the
/// PostgreSQL role and database it needs (Deploy/postgres/setup.sql).
@Suite("Deploy files for several replicas")
struct DeployScaleOutTests {
    /// The manifests of `file` as JSON objects (PyYAML, from `make deps-test`).
    static func manifests(_ file: String) async throws -> [[String: Any]] {
        let script = "import sys, json, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))"
        let r = try await ChildProcess.run(["python3", "-c", script, DeployTests.root + "/" + file])
        try #require(r.status == 0, "python3 with PyYAML (make deps-test): \(r.output)")
        let all = try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [Any] ?? []
        return all.compactMap { $0 as? [String: Any] }
    }

    static func value(_ object: Any?, _ path: String...) -> Any? {
        var current = object
        for key in path {
            if let index = Int(key), let array = current as? [Any] {
                current = index < array.count ? array[index] : nil
            } else {
                current = (current as? [String: Any])?[key]
            }
        }
        return current
    }

    @Test("kubernetes-validate --strict passes scale-out/: replicas ≥ 2, queue URL from a Secret, no PVC, PDB minAvailable 1")
    func kubernetes() async throws {
        try await DeployTests.require("kubernetes-validate")
        let r = try await DeployTests.shell("kubernetes-validate --strict Deploy/kubernetes/scale-out/*.yaml")
        #expect(r.status == 0, "kubernetes-validate: \(r.output)")
        for kind in ["deployment/callhook", "configmap/callhook-config", "secret/callhook-queue", "poddisruptionbudget"] {
            #expect(r.output.contains("passed for resource \(kind)"), "no \(kind) validated: \(r.output)")
        }

        let deployment = try #require(try await Self.manifests("Deploy/kubernetes/scale-out/deployment.yaml").first)
        let replicas = Self.value(deployment, "spec", "replicas") as? Int ?? 0
        #expect(replicas >= 2)
        let pod = Self.value(deployment, "spec", "template", "spec")
        let volumes = Self.value(pod, "volumes") as? [[String: Any]] ?? []
        #expect(!volumes.isEmpty && volumes.allSatisfy { $0["persistentVolumeClaim"] == nil }, "a PVC in \(volumes)")
        let anti = Self.value(pod, "affinity", "podAntiAffinity") as? [String: Any] ?? [:]
        #expect(!anti.isEmpty, "no pod anti-affinity")
        let env = Self.value(pod, "containers", "0", "env") as? [[String: Any]] ?? []
        let queue = env.first { $0["name"] as? String == "CALLHOOK_QUEUE_URL" }
        #expect(Self.value(queue, "valueFrom", "secretKeyRef", "name") as? String == "callhook-queue")

        let config = try #require(try await Self.manifests("Deploy/kubernetes/scale-out/configmap-config.yaml").first)
        let toml = Self.value(config, "data", "callhook.toml") as? String ?? ""
        #expect(toml.contains("url = \"{{env.CALLHOOK_QUEUE_URL}}\""), "\(toml)")
        let secret = try #require(try await Self.manifests("Deploy/kubernetes/scale-out/secret-queue.example.yaml").first)
        #expect((Self.value(secret, "stringData", "url") as? String ?? "").hasPrefix("postgres://"))

        let pdb = try #require(try await Self.manifests("Deploy/kubernetes/scale-out/pdb.yaml").first)
        #expect(Self.value(pdb, "spec", "minAvailable") as? Int == 1)
    }

    @Test("Deploy/postgres/setup.sql: a login role that can create tables in its own schema and nothing else; runs twice")
    func postgresSetup() async throws {
        let found = try await DeployTests.shell("ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1")
        let initdb = found.output.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(found.status == 0 && !initdb.isEmpty, "PostgreSQL is not installed: apt-get install postgresql")
        let bin = (initdb as NSString).deletingLastPathComponent
        let dir = try DeployTests.scratch()
        defer { DeployTests.remove(dir) }
        // initdb and postgres refuse to run as root: then as the `postgres` user.
        let asServer = getuid() == 0 ? "runuser -u postgres -- " : ""
        if getuid() == 0 { _ = try await DeployTests.shell("chown postgres '\(dir)'") }
        let port = 20_000 + Int.random(in: 0..<20_000)
        // The server pg_ctl leaves running must not inherit the test's
        // output pipe (it would never reach end of file): pg_ctl runs with
        // its output in a file and every other descriptor closed (Python's
        // subprocess does that).
        let closeFDs = "python3 -c 'import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)' "
        let start = try await DeployTests.shell(
            "\(asServer)'\(bin)/initdb' -D '\(dir)/data' -A trust -U admin >'\(dir)/initdb.out' 2>&1 && "
                + "\(closeFDs)\(asServer)'\(bin)/pg_ctl' -w -D '\(dir)/data' -l '\(dir)/log' "
                + "-o \"-p \(port) -k '\(dir)' -c listen_addresses=''\" start >'\(dir)/pg_ctl.out' 2>&1 "
                + "|| { cat '\(dir)/initdb.out' '\(dir)/pg_ctl.out' '\(dir)/log'; exit 1; }")
        try #require(start.status == 0, "PostgreSQL did not start: \(start.output)")
        func psql(_ user: String, _ db: String, _ arguments: String) async throws -> ChildProcess.Result {
            try await DeployTests.shell("psql -X -q -h '\(dir)' -p \(port) -U \(user) -d \(db) -v ON_ERROR_STOP=1 \(arguments)")
        }
        let stop = "\(asServer)'\(bin)/pg_ctl' -D '\(dir)/data' -m immediate stop >/dev/null 2>&1"
        do {
            try await Self.checkSetup(psql)
        } catch {
            _ = try? await DeployTests.shell(stop)
            throw error
        }
        _ = try await DeployTests.shell(stop)
    }

    static func checkSetup(_ psql: (String, String, String) async throws -> ChildProcess.Result) async throws {
        let setup = "-v callhook_password=s3cret-pw -f Deploy/postgres/setup.sql"
        let first = try await psql("admin", "postgres", setup)
        #expect(first.status == 0, "setup.sql: \(first.output)")
        let again = try await psql("admin", "postgres", setup)
        #expect(again.status == 0, "setup.sql a second time: \(again.output)")
        #expect(!first.output.contains("s3cret-pw") && !again.output.contains("s3cret-pw"), "the password is echoed")

        // What callhook's migration does: tables in its default schema.
        let create = try await psql(
            "callhook", "callhook",
            "-c 'CREATE TABLE delivery (id bigint PRIMARY KEY)' -c 'INSERT INTO delivery VALUES (1)' -At -c 'SELECT current_schema()'"
        )
        #expect(create.status == 0 && create.output.contains("callhook"), "\(create.output)")
        let role = try await psql(
            "admin", "postgres",
            "-At -c \"SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication FROM pg_roles WHERE rolname = 'callhook'\"")
        #expect(role.output.trimmingCharacters(in: .whitespacesAndNewlines) == "f|f|f|f", "\(role.output)")
        for (what, command) in [
            ("a table in public", "-c 'CREATE TABLE public.x (id int)'"), ("a schema", "-c 'CREATE SCHEMA other'"),
            ("a database", "-c 'CREATE DATABASE other'"), ("a role", "-c 'CREATE ROLE other'"),
        ] {
            let denied = try await psql("callhook", "callhook", command)
            #expect(
                denied.status != 0 && denied.output.contains("permission denied"), "callhook may create \(what): \(denied.output)"
            )
        }
        // Another login role cannot connect to callhook's database.
        _ = try await psql("admin", "postgres", "-c 'CREATE ROLE stranger LOGIN'")
        let stranger = try await psql("stranger", "callhook", "-c 'SELECT 1'")
        #expect(stranger.status != 0 && stranger.output.contains("CONNECT"), "\(stranger.output)")
    }
}
