using Portal.Tests.Infrastructure;

namespace Portal.Tests.SignIn.Federation;

/// <summary>
/// The portal trusting the demo IdPs (single-entity files) and a federation aggregate written to disk and configured
/// exactly as an operator would: <c>Saml:Federations:test:{Metadata,SigningCertificate,CachePath}</c>.
/// </summary>
public class FederationPortalFactory : PortalFactory
{
    private readonly Lazy<IReadOnlyDictionary<string, string>> _settings;

    public FederationPortalFactory() => _settings = new(() =>
    {
        var settings = new Dictionary<string, string>(TestFederation.DemoSettings("http://localhost"))
        {
            ["Saml:Federations:test:Metadata"] = AggregatePath,
            ["Saml:Federations:test:SigningCertificate"] = TestAggregate.WriteFederationCertificate(Folder),
            ["Saml:Federations:test:CachePath"] = CachePath,
            ["Saml:DiscoveryService"] = "https://ds.example.org/ds/",
        };
        File.WriteAllBytes(AggregatePath, InitialAggregate().SignedBytes());
        return settings;
    });

    public string Folder { get; } = TestAggregate.NewFolder();

    public string AggregatePath => Path.Combine(Folder, "aggregate.xml");

    public string CachePath => Path.Combine(Folder, "state", "federation-test.xml");

    /// <summary>The aggregate in place when the portal starts.</summary>
    protected virtual TestAggregate InitialAggregate() => TestAggregate.Generate(2000, StartTime.AddDays(14));

    protected override IReadOnlyDictionary<string, string> Federation => _settings.Value;

    protected override Task DisposeExtrasAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>A small federation whose aggregate file the refresh tests replace and break.</summary>
public sealed class RefreshPortalFactory : FederationPortalFactory
{
    protected override TestAggregate InitialAggregate() => TestAggregate.Generate(20, StartTime.AddDays(14));
}
