using Portal.Hosting;

namespace Portal.Features.SignIn.Oidc;

/// <summary>
/// One configured OpenID Connect provider (section <c>Oidc:Providers:&lt;name&gt;</c>). The name picks its
/// authentication scheme and its callback paths, so any number of providers live side by side.
/// </summary>
public sealed record OidcProvider
{
    public required string Name { get; init; }
    public required Uri Authority { get; init; }
    public required string ClientId { get; init; }

    /// <summary>From configuration or secrets, never from the repository (the local demo provider's excepted).</summary>
    public string? ClientSecret { get; init; }

    public required string DisplayName { get; init; }
    public IReadOnlyList<string> Scopes { get; init; } = ["openid", "profile", "email"];

    /// <summary>The home institution of everyone this provider vouches for; the issuer's host when not set.</summary>
    public string? HomeOrganization { get; init; }

    /// <summary>Domains the discovery page searches besides the name.</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];

    /// <summary>Plain-HTTP authorities only when the operator says so (the local demo provider).</summary>
    public bool RequireHttps { get; init; } = true;

    public string Scheme => "oidc-" + Name;
    public string CallbackPath => "/signin-oidc-" + Name;
    public string SignedOutCallbackPath => "/signout-callback-oidc-" + Name;

    /// <summary>How the discovery page and the last-choice cookie name this provider beside SAML entity IDs.</summary>
    public string DiscoveryId => "oidc:" + Name;
}

/// <summary>Reads <c>Oidc:Providers</c>. Every mistake is a <see cref="PortalConfigurationException"/> at start-up.</summary>
public sealed record OidcSettings(IReadOnlyList<OidcProvider> Providers)
{
    public static OidcSettings Empty { get; } = new([]);

    public OidcProvider? Find(string? name) => name is null ? null : Providers.FirstOrDefault(p => p.Name == name);

    public static OidcSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var providers = new List<OidcProvider>();
        foreach (var c in configuration.GetSection("Oidc:Providers").GetChildren())
        {
            var prefix = $"Oidc:Providers:{c.Key}";
            if (c.Key.Length is 0 or > 32 || !c.Key.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch is '-' or '_'))
            {
                throw new PortalConfigurationException($"{prefix}: a provider's name may hold lower-case letters, digits, '-' and '_' only, at most 32 (it names its callback path).");
            }
            var requireHttps = c.GetValue("RequireHttps", true);
            if (!Uri.TryCreate(c["Authority"], UriKind.Absolute, out var authority)
                || !(authority.Scheme == "https" || (authority.Scheme == "http" && !requireHttps)))
            {
                throw new PortalConfigurationException($"{prefix}:Authority must be the provider's https issuer URL (plain http only with RequireHttps=false, for a local demo).");
            }
            var clientId = c["ClientId"] is { Length: > 0 } id ? id
                : throw new PortalConfigurationException($"{prefix}:ClientId is missing.");
            var scopes = ReadList(c, "Scopes", ["openid", "profile", "email"])
                .SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToList();
            if (!scopes.Contains("openid"))
            {
                throw new PortalConfigurationException($"{prefix}:Scopes must include openid.");
            }
            providers.Add(new OidcProvider
            {
                Name = c.Key,
                Authority = authority,
                ClientId = clientId,
                ClientSecret = c["ClientSecret"] is { Length: > 0 } secret ? secret : null,
                DisplayName = c["DisplayName"] is { Length: > 0 } name ? name : c.Key,
                Scopes = scopes,
                HomeOrganization = c["HomeOrganization"] is { Length: > 0 } home ? home : null,
                Domains = ReadList(c, "Domains", []),
                RequireHttps = requireHttps,
            });
        }
        return new OidcSettings(providers);
    }

    // A list may be configured as children (Scopes:0, Scopes:1) or as one space-separated value.
    private static List<string> ReadList(IConfigurationSection section, string key, List<string> fallback)
    {
        var s = section.GetSection(key);
        var children = s.GetChildren().Select(x => x.Value).OfType<string>().Where(v => v.Length > 0).ToList();
        if (children.Count > 0)
        {
            return children;
        }
        return s.Value is { Length: > 0 } v ? [.. v.Split(' ', StringSplitOptions.RemoveEmptyEntries)] : fallback;
    }
}
