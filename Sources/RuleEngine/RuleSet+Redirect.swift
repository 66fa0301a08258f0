extension RuleSet {
    /// The same rules with every target sent to `base` instead: a target
    /// `crm` with url `https://crm.example.com/api` goes to `BASE/crm/api`.
    /// The demo uses this to point every example target at its local sink.
    public func redirectingTargets(to base: String) throws -> RuleSet {
        var copy = self
        for (name, var target) in targets {
            let source = target.url.source
            var path = ""
            if let scheme = source.range(of: "://") {
                let rest = source[scheme.upperBound...]
                if let slash = rest.firstIndex(of: "/") { path = String(rest[slash...]) }
            }
            target.url = try TextTemplate(base + "/" + name + path, escaping: target.url.escaping)
            target.tlsVerify = true
            target.caFile = nil
            copy.targets[name] = target
        }
        return copy.reindexed()
    }
}
