using System.Security.Cryptography.X509Certificates;
using Portal.Hosting;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// Reads the SP's identity and its trusted IdPs from configuration (section "Saml"). No IdP configured = SAML off.
/// Every mistake is a <see cref="PortalConfigurationException"/>: one line, at start-up.
/// </summary>
public sealed record SamlSettings(SamlServiceProviderOptions? ServiceProvider, IReadOnlyList<SamlIdpSource> IdentityProviders)
{
    public bool Enabled => ServiceProvider is not null;

    public static SamlSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Saml");
        var idps = section.GetSection("IdentityProviders").GetChildren()
            .Select(c => new SamlIdpSource(
                c["Metadata"] is { Length: > 0 } m ? m : throw new PortalConfigurationException($"Saml:IdentityProviders:{c.Key}:Metadata is missing (a metadata file path or URL)."),
                c.GetValue("AllowSha1", false)))
            .ToList();
        if (idps.Count == 0)
        {
            return new SamlSettings(null, []);
        }

        var baseUrl = section["BaseUrl"]?.TrimEnd('/');
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            throw new PortalConfigurationException("Saml:BaseUrl must be the portal's public URL, e.g. https://portal.example.org.");
        }
        var sp = new SamlServiceProviderOptions
        {
            EntityId = section["EntityId"] is { Length: > 0 } id ? id : $"{baseUrl}/saml/metadata",
            AcsUrl = $"{baseUrl}/saml/acs",
            SingleLogoutUrl = $"{baseUrl}/saml/logout",
            SigningCertificate = LoadPem(section, "SigningCertificate", "SigningKey"),
            EncryptionCertificates = LoadPem(section, "EncryptionCertificate", "EncryptionKey") is { } enc ? [enc] : [],
            AllowIdpInitiated = section.GetValue("AllowIdpInitiated", false),
        };
        try
        {
            sp.Validate();
        }
        catch (InvalidOperationException e)
        {
            throw new PortalConfigurationException(e.Message, e);
        }
        return new SamlSettings(sp, idps);
    }

    private static X509Certificate2? LoadPem(IConfigurationSection section, string certKey, string keyKey)
    {
        var cert = section[certKey];
        var key = section[keyKey];
        if (string.IsNullOrEmpty(cert) && string.IsNullOrEmpty(key))
        {
            return null;
        }
        if (string.IsNullOrEmpty(cert) || string.IsNullOrEmpty(key))
        {
            throw new PortalConfigurationException($"Saml:{certKey} and Saml:{keyKey} go together (PEM files).");
        }
        try
        {
            return X509Certificate2.CreateFromPemFile(cert, key);
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new PortalConfigurationException($"Saml:{certKey} ({cert}) with Saml:{keyKey} cannot be loaded: {e.Message}", e);
        }
    }
}

/// <summary>Where one IdP's metadata comes from: a file path or an http(s) URL.</summary>
public sealed record SamlIdpSource(string Metadata, bool AllowSha1);
