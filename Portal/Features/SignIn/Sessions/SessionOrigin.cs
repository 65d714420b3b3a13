using Portal.Features.SignIn.Saml;

namespace Portal.Features.SignIn.Sessions;

/// <summary>What the sign-in knew that sign-out needs later: which protocol, and its session handles.</summary>
public sealed record SessionOrigin(string Method, string Issuer)
{
    public SamlNameId? SamlNameId { get; init; }
    public string? SamlSessionIndex { get; init; }
    public string? OidcProvider { get; init; }
    public string? OidcIdToken { get; init; }
}
