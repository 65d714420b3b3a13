namespace Portal.Tests.Infrastructure;

/// <summary>
/// The demo portal on real Kestrel with its agents' HTTP/2 port, and a hospital database (deploy/demo/hospital.sql)
/// that only a site agent reads: the portal is given no source host it may open.
/// </summary>
public sealed class SiteHospitalPortalFactory : SitePortalFactory
{
    private readonly TestDatabase _hospital = TestDatabase.Create("hospital");

    public SiteHospitalPortalFactory() =>
        _hospital.LoadHospital(Path.Combine(RepoPaths.Root, "deploy", "demo", "hospital.sql"), Patients);

    public const int Patients = 20_000;

    protected override bool SeedDemo => true;

    public TestDatabase Hospital => _hospital;

    protected override async Task DisposeExtrasAsync()
    {
        await _hospital.DisposeAsync();
        await base.DisposeExtrasAsync();
    }
}
