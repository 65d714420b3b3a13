using Portal.Policy.Duo;

namespace Portal.Policy.Model;

/// <summary>The purpose the researcher states for this request (every download states one).</summary>
public readonly record struct DeclaredPurpose(
    PurposeCode Code,
    string? Disease = null,
    bool Commercial = false,
    string? EthicsApprovalReference = null)
{
    public static DeclaredPurpose None => default;

    public bool IsDeclared => Code != PurposeCode.None;

    public bool HasEthicsApproval => !string.IsNullOrWhiteSpace(EthicsApprovalReference);
}
