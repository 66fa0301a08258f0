import Foundation

/// Where `callhook demo` finds the example rules when no `--rules` is
/// given, so that it works from any directory:
///
/// 1. `./Rules` (the repository's root, or any directory with such a folder);
/// 2. `../share/callhook/rules` beside the binary (`make install`, packages);
/// 3. `rules` or `Rules` next to the binary (an unpacked archive);
/// 4. the source tree the binary was built from (a development build).
public enum ExampleRules {
    /// The candidate directories, in order. Pure: no file system access.
    public static func candidates(executable: String?, workingDirectory: String, sourceTree: String? = sourceTree) -> [String] {
        var out = [join(workingDirectory, "Rules")]
        if let executable {
            let bin = (executable as NSString).deletingLastPathComponent
            out.append(((bin as NSString).deletingLastPathComponent as NSString).appendingPathComponent("share/callhook/rules"))
            out.append(join(bin, "rules"))
            out.append(join(bin, "Rules"))
        }
        if let sourceTree { out.append(join(sourceTree, "Rules")) }
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

    /// This process's binary, symbolic links resolved.
    public static func executablePath() -> String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
    }

    /// The repository this file was compiled from (Sources/Callhook/../..).
    public static let sourceTree: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        return root.hasPrefix("/") ? root : nil
    }()

    private static func join(_ a: String, _ b: String) -> String { (a as NSString).appendingPathComponent(b) }
}
