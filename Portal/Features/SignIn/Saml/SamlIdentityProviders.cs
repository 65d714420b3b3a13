using Portal.Hosting;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// The IdPs this portal trusts, loaded from their metadata before the server takes requests. Readers see one
/// immutable directory; a reload swaps it whole.
/// </summary>
public sealed class SamlIdentityProviders(SamlSettings settings, IHttpClientFactory http, ILogger<SamlIdentityProviders> logger)
    : IIdentityProviderDirectory, IHostedService
{
    private volatile IdentityProviderDirectory _current = new([]);
    private volatile bool _loaded;

    public IReadOnlyCollection<IdentityProvider> All => _current.All;

    public IdentityProvider? Find(string entityId) => _current.Find(entityId);

    public Task StartAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    /// <summary>
    /// Loads every configured IdP once. The portal executable calls it before starting the host so that a bad
    /// metadata source is one line on stderr rather than a host start-up failure with a stack trace.
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }
        var loaded = new List<IdentityProvider>();
        foreach (var source in settings.IdentityProviders)
        {
            var xml = await ReadAsync(source.Metadata, cancellationToken);
            IdentityProvider idp;
            try
            {
                idp = IdpMetadataReader.ReadEntityDescriptor(xml);
            }
            catch (Exception e) when (e is System.Xml.XmlException or InvalidOperationException or FormatException or SamlValidationException)
            {
                throw new PortalConfigurationException($"IdP metadata {source.Metadata} is not usable: {e.Message}", e);
            }
            loaded.Add(idp with { AllowSha1 = source.AllowSha1 });
            logger.LogInformation("Trusting SAML IdP {EntityId} from {Source}", idp.EntityId, source.Metadata);
        }
        _current = new IdentityProviderDirectory(loaded);
        _loaded = true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<string> ReadAsync(string source, CancellationToken ct)
    {
        try
        {
            if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                using var client = http.CreateClient("saml-metadata");
                client.Timeout = TimeSpan.FromSeconds(15);
                return await client.GetStringAsync(uri, ct);
            }
            return await File.ReadAllTextAsync(source, ct);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or TaskCanceledException or UnauthorizedAccessException)
        {
            throw new PortalConfigurationException($"IdP metadata {source} cannot be read: {e.Message}", e);
        }
    }
}
