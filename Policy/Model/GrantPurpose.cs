using Portal.Policy.Duo;

namespace Portal.Policy.Model;

/// <summary>
/// One purpose a grant was approved for. A disease narrows a purpose to that disease and its descendants;
/// commercial use must be approved explicitly.
/// </summary>
public sealed record GrantPurpose(PurposeCode Code, string? Disease = null, bool CommercialAllowed = false);
