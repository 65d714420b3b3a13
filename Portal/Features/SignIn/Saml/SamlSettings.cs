using System.Security.Cryptography.X509Certificates;
using Portal.Hosting;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// Reads the SP's identity and its trusted IdPs from configuration (section "Saml"): single-entity metadata
/// (<c>IdentityProviders</c>) and signed federation aggregates (<c>Federations</c>). Neither configured = SAML off.
/// Every mistake is a <see cref="PortalConfigurationException"/>: one line, at start-up.
/// </summary>
public sealed record SamlSettings(
    SamlServiceProviderOptions? ServiceProvider,
    IReadOnlyList<SamlIdpSource> IdentityProviders,
    IReadOnlyList<FederationSource> Federations,
    Uri? DiscoveryService = null)
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
        var federations = ReadFederations(section);
        if (idps.Count == 0 && federations.Count == 0)
        {
            return new SamlSettings(null, [], []);
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
            SingleLogoutUrl = $"{baseUrl}/saml/slo",
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
        var discovery = section["DiscoveryService"] is { Length: > 0 } ds
            ? Uri.TryCreate(ds, UriKind.Absolute, out var dsUri) && dsUri.Scheme == "https"
                ? dsUri
                : throw new PortalConfigurationException("Saml:DiscoveryService must be the https URL of a SAML IdP Discovery service.")
            : null;
        return new SamlSettings(sp, idps, federations, discovery);
    }

    private static List<FederationSource> ReadFederations(IConfigurationSection section)
    {
        // Where last good copies go unless a federation names its own CachePath.
        var stateFolder = section["StateFolder"] is { Length: > 0 } folder ? folder : Path.Combine(Directory.GetCurrentDirectory(), "state");
        var federations = new List<FederationSource>();
        foreach (var c in section.GetSection("Federations").GetChildren())
        {
            var prefix = $"Saml:Federations:{c.Key}";
            if (!c.Key.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_'))
            {
                throw new PortalConfigurationException($"{prefix}: a federation's name may hold letters, digits, '-' and '_' only (it names its cache file).");
            }
            var metadata = c["Metadata"] is { Length: > 0 } m ? m
                : throw new PortalConfigurationException($"{prefix}:Metadata is missing (the aggregate's file path or URL).");
            var certificatePath = c["SigningCertificate"] is { Length: > 0 } p ? p
                : throw new PortalConfigurationException($"{prefix}:SigningCertificate is missing (PEM file of the federation's metadata signing certificate); an aggregate is never trusted unsigned.");
            X509Certificate2 certificate;
            try
            {
                // The certificate alone: CreateFromPemFile would look for a private key the portal must never have.
                certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                throw new PortalConfigurationException($"{prefix}:SigningCertificate ({certificatePath}) cannot be loaded: {e.Message}", e);
            }
            var cachePath = c["CachePath"] is { Length: > 0 } cp ? cp : Path.Combine(stateFolder, $"federation-{c.Key}.xml");
            federations.Add(new FederationSource(c.Key, metadata, certificate, cachePath));
        }
        return federations;
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
