namespace Portal.Policy.Model;

/// <summary>Scopes of a personal API token. The UI client is not limited by scopes.</summary>
[Flags]
public enum TokenScopes : ushort
{
    None = 0,
    CatalogueRead = 1 << 0,
    RequestsWrite = 1 << 1,
    DataExport = 1 << 2,
    DatasetsManage = 1 << 3,
    RequestsDecide = 1 << 4,
    AuditRead = 1 << 5,
    VoManage = 1 << 6,
}

public static class TokenScopeNames
{
    private static readonly (string Name, TokenScopes Scope)[] Names =
    [
        ("catalogue:read", TokenScopes.CatalogueRead),
        ("requests:write", TokenScopes.RequestsWrite),
        ("data:export", TokenScopes.DataExport),
        ("datasets:manage", TokenScopes.DatasetsManage),
        ("requests:decide", TokenScopes.RequestsDecide),
        ("audit:read", TokenScopes.AuditRead),
        ("vo:manage", TokenScopes.VoManage),
    ];

    /// <summary>Unknown names are ignored: a token never gains a scope by a typo.</summary>
    public static TokenScopes Parse(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var scopes = TokenScopes.None;
        foreach (var name in names)
        {
            foreach (var (known, scope) in Names)
            {
                if (string.Equals(known, name, StringComparison.Ordinal))
                {
                    scopes |= scope;
                }
            }
        }
        return scopes;
    }

    public static string NameOf(TokenScopes scope)
    {
        foreach (var (name, known) in Names)
        {
            if (known == scope)
            {
                return name;
            }
        }
        return scope.ToString();
    }

    public static TokenScopes RequiredFor(PolicyAction action) => action switch
    {
        PolicyAction.ViewMetadata => TokenScopes.CatalogueRead,
        PolicyAction.RequestAccess => TokenScopes.RequestsWrite,
        PolicyAction.ExportData => TokenScopes.DataExport,
        PolicyAction.ManageDataset => TokenScopes.DatasetsManage,
        PolicyAction.DecideRequests => TokenScopes.RequestsDecide,
        PolicyAction.ViewAudit => TokenScopes.AuditRead,
        PolicyAction.ManageVoMembership => TokenScopes.VoManage,
        _ => TokenScopes.None,
    };
}
