using System.Security.Cryptography.X509Certificates;

namespace Portal.Features.SignIn.Saml;

/// <summary>A <c>shibmd:Scope</c>: a literal domain, or (when the metadata says so) a regular expression.</summary>
public sealed record IdpScope(string Value, bool IsRegex);

/// <summary>An endpoint with its binding, as metadata declares it.</summary>
public sealed record SamlEndpoint(string Binding, string Location);

/// <summary>
/// What this SP knows about one IdP, read from trusted metadata. Per-IdP trust relaxations (SHA-1) are set by the
/// portal's configuration with <c>with</c>, never by the metadata itself.
/// </summary>
public sealed record IdentityProvider
{
    public required string EntityId { get; init; }

    public required IReadOnlyList<X509Certificate2> SigningCertificates { get; init; }

    public IReadOnlyList<SamlEndpoint> SingleSignOnServices { get; init; } = [];

    public IReadOnlyList<SamlEndpoint> SingleLogoutServices { get; init; } = [];

    public IReadOnlyList<IdpScope> Scopes { get; init; } = [];

    public string? DisplayName { get; init; }

    public bool HideFromDiscovery { get; init; }

    public bool WantAuthnRequestsSigned { get; init; }

    /// <summary>Accept RSA-SHA1 / SHA-1 digests from this IdP. Off unless configured for a legacy IdP.</summary>
    public bool AllowSha1 { get; init; }

    public string? RedirectSsoUrl =>
        SingleSignOnServices.FirstOrDefault(e => e.Binding == SamlNames.HttpRedirectBinding)?.Location;

    public string? RedirectSloUrl =>
        SingleLogoutServices.FirstOrDefault(e => e.Binding == SamlNames.HttpRedirectBinding)?.Location;
}

/// <summary>Where the validator finds IdPs; a dictionary now, a refreshed federation aggregate later.</summary>
public interface IIdentityProviderDirectory
{
    IdentityProvider? Find(string entityId);
}

/// <summary>A fixed set of IdPs, e.g. read from single-entity metadata files at start-up.</summary>
public sealed class IdentityProviderDirectory : IIdentityProviderDirectory
{
    private readonly Dictionary<string, IdentityProvider> _byEntityId;

    public IdentityProviderDirectory(IEnumerable<IdentityProvider> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        _byEntityId = providers.ToDictionary(p => p.EntityId, StringComparer.Ordinal);
    }

    public IReadOnlyCollection<IdentityProvider> All => _byEntityId.Values;

    public IdentityProvider? Find(string entityId) => _byEntityId.GetValueOrDefault(entityId);
}
