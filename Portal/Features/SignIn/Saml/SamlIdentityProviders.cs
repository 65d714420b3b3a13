using System.Collections.Immutable;
using Portal.Features.SignIn.Discovery;
using Portal.Hosting;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// The IdPs this portal trusts: single-entity metadata files and verified federation aggregates together, loaded
/// before the server takes requests. Readers see one immutable snapshot (directory and discovery index built from
/// the same list); a reload or a federation refresh swaps it whole.
/// </summary>
public sealed class SamlIdentityProviders(
    SamlSettings settings, IHttpClientFactory http, FederationLoader federations, ILogger<SamlIdentityProviders> logger,
    Oidc.OidcSettings? oidc = null)
    : IIdentityProviderDirectory, IHostedService
{
    private sealed record Snapshot(IdentityProviderDirectory Directory, DiscoveryIndex Discovery)
    {
        public static readonly Snapshot Empty = new(new IdentityProviderDirectory([]), DiscoveryIndex.Empty);
    }

    private readonly Lock _gate = new();
    private IReadOnlyList<IdentityProvider> _configured = [];
    private ImmutableDictionary<string, FederationAggregate> _aggregates = ImmutableDictionary<string, FederationAggregate>.Empty;
    private volatile Snapshot _current = Snapshot.Empty;
    private volatile bool _loaded;

    public IReadOnlyCollection<IdentityProvider> All => _current.Directory.All;

    /// <summary>The listable IdPs, indexed for the discovery page; built with the directory, never per request.</summary>
    public DiscoveryIndex Discovery => _current.Discovery;

    public IdentityProvider? Find(string entityId) => _current.Directory.Find(entityId);

    /// <summary>The federation's aggregate in use, or null when there is none (never loaded, or expired).</summary>
    public FederationAggregate? Aggregate(string federation) => _aggregates.GetValueOrDefault(federation);

    public Task StartAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    /// <summary>
    /// Loads every configured IdP and federation once. The portal executable calls it before starting the host so
    /// that a bad metadata source is one line on stderr rather than a host start-up failure with a stack trace.
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
        var aggregates = ImmutableDictionary<string, FederationAggregate>.Empty;
        foreach (var federation in settings.Federations)
        {
            var aggregate = await federations.LoadAtStartAsync(federation, cancellationToken);
            aggregates = aggregates.SetItem(federation.Name, aggregate);
            Log(aggregate);
        }
        lock (_gate)
        {
            _configured = loaded;
            _aggregates = aggregates;
            Publish();
        }
        _loaded = true;
    }

    /// <summary>Puts a freshly verified aggregate in place of the federation's previous one.</summary>
    public void Replace(FederationAggregate aggregate)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        lock (_gate)
        {
            _aggregates = _aggregates.SetItem(aggregate.Federation, aggregate);
            Publish();
        }
        Log(aggregate);
    }

    /// <summary>Stops trusting a federation whose aggregate expired without a successful refresh.</summary>
    public void Remove(string federation)
    {
        lock (_gate)
        {
            _aggregates = _aggregates.Remove(federation);
            Publish();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The operator's own single-entity files come first and win over a federation's copy of the same entity (they
    // may relax SHA-1 for it); between federations, the first configured wins. A federation cannot replace keys the
    // operator pinned.
    private void Publish()
    {
        var byEntityId = new Dictionary<string, IdentityProvider>(StringComparer.Ordinal);
        foreach (var idp in _configured)
        {
            byEntityId.TryAdd(idp.EntityId, idp);
        }
        foreach (var federation in settings.Federations)
        {
            if (_aggregates.TryGetValue(federation.Name, out var aggregate))
            {
                foreach (var idp in aggregate.Providers)
                {
                    byEntityId.TryAdd(idp.EntityId, idp);
                }
            }
        }
        var all = byEntityId.Values.ToList();
        // OIDC providers are listed beside the IdPs, so one search finds either.
        var others = (oidc ?? Oidc.OidcSettings.Empty).Providers.Select(p => DiscoveryIndex.Other(
            p.DiscoveryId, p.DisplayName, [.. p.Domains, p.Authority.Host], "/oidc/login?provider=" + Uri.EscapeDataString(p.Name)));
        _current = new Snapshot(new IdentityProviderDirectory(all), new DiscoveryIndex(all, others));
    }

    private void Log(FederationAggregate aggregate) =>
        logger.LogInformation("Federation {Federation}: trusting {Count} IdPs ({Skipped} entities skipped), valid until {ValidUntil:O}",
            aggregate.Federation, aggregate.Providers.Count, aggregate.SkippedEntities, aggregate.ValidUntil);

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
