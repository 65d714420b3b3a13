namespace Portal.Kernel;

/// <summary>
/// The scopes a personal API token may carry: the one list that token creation offers and endpoints require (the
/// table of which endpoint needs which is in docs/scopes.md). A browser session is not limited by scopes. The names
/// the policy engine knows (<see cref="Policy.Model.TokenScopeNames"/>) are the same strings; a test keeps them so.
/// </summary>
public static class Scopes
{
    /// <summary>Read the portal: catalogue, dataset descriptions, VOs, requests, grants, notifications, explain.</summary>
    public const string CatalogueRead = "catalogue:read";

    /// <summary>Rows leave the portal: exports, and previews of what an export would hold.</summary>
    public const string DataExport = "data:export";

    /// <summary>The caller's GA4GH Passport.</summary>
    public const string PermissionsRead = "permissions:read";

    /// <summary>Ask for access: submit and withdraw requests, ask for a grant's extension.</summary>
    public const string RequestsWrite = "requests:write";

    /// <summary>Owners and stewards decide: approve or deny requests, create, extend and revoke grants.</summary>
    public const string RequestsDecide = "requests:decide";

    /// <summary>Owners and stewards run their datasets: registration, columns, conditions, stewards, shares, lifecycle.</summary>
    public const string DatasetsManage = "datasets:manage";

    /// <summary>Memberships: create VOs, invite, change roles and expiries, remove, join, leave, decide join requests.</summary>
    public const string VoManage = "vo:manage";

    /// <summary>The claim a token's scopes travel in (one claim per scope).</summary>
    public const string Claim = "scope";

    /// <summary>
    /// Every scope a token can be given. <c>audit:read</c>, which the policy engine also names, is not among them: the
    /// audit trail is read in a browser session only.
    /// </summary>
    public static readonly IReadOnlyList<string> All =
        [CatalogueRead, DataExport, PermissionsRead, RequestsWrite, RequestsDecide, DatasetsManage, VoManage];

    /// <summary>What a scope lets a script do, in the words the token page shows.</summary>
    public static string Describe(string scope) => scope switch
    {
        CatalogueRead => "read the catalogue, datasets, VOs, requests, grants and notifications",
        DataExport => "download (and preview) data under your grants",
        PermissionsRead => "fetch your GA4GH Passport visas",
        RequestsWrite => "submit and withdraw access requests, ask for extensions",
        RequestsDecide => "approve and deny requests; create, extend and revoke grants",
        DatasetsManage => "register and run your datasets: columns, conditions, stewards, sharing, lifecycle",
        VoManage => "create VOs, invite, change roles, join and leave",
        _ => scope,
    };
}
