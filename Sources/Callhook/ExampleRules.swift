import Foundation
import RuleEngine

/// Where `callhook demo` finds the example rules when no `--rules` is
/// given, so that it works from any directory:
///
/// 1. `./Rules` (the repository's root, or any directory with such a folder);
/// 2. `../share/callhook/rules` beside the binary (`make install`, packages);
/// 3. `rules` or `Rules` next to the binary (an unpacked archive);
/// 4. the copy compiled into the binary (`ExampleRuleFiles`, generated from
///    the repository's `Rules/` by `make embed-rules`), written to a
///    temporary directory for the run.
public enum ExampleRules {
    /// The candidate directories on disk, in order. Pure: no file system access.
    public static func candidates(executable: String?, workingDirectory: String) -> [String] {
        var out = [join(workingDirectory, "Rules")]
        if let executable {
            let bin = (executable as NSString).deletingLastPathComponent
            out.append(((bin as NSString).deletingLastPathComponent as NSString).appendingPathComponent("share/callhook/rules"))
            out.append(join(bin, "rules"))
            out.append(join(bin, "Rules"))
        }
        return out
    }

    /// The first candidate that holds at least one `.toml` file.
    public static func find(
        executable: String? = executablePath(), workingDirectory: String = FileManager.default.currentDirectoryPath
    ) -> String? {
        candidates(executable: executable, workingDirectory: workingDirectory).first { dir in
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            return files.contains { $0.hasSuffix(".toml") }
        }
    }

    /// Writes the compiled-in example rules into a new directory under
    /// `parent` and returns its path; the caller removes it when done.
    public static func writeEmbedded(into parent: String = NSTemporaryDirectory()) throws -> String {
        let directory = join(parent, "callhook-example-rules-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in ExampleRuleFiles.files {
            let path = join(directory, file.path)
            try fm.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(file.text.utf8).write(to: URL(fileURLWithPath: path))
        }
        return directory
    }

    /// This process's binary, symbolic links resolved.
    public static func executablePath() -> String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
    }

    private static func join(_ a: String, _ b: String) -> String { (a as NSString).appendingPathComponent(b) }
}
