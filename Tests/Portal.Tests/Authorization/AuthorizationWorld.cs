using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Datasets;
using Portal.Features.Demo;
using Portal.Features.VirtualOrganizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Authorization;

/// <summary>
/// The demo portal on a real hospital database, with one signed-in client per <see cref="Persona"/> and the relations
/// that make each persona what it is (memberships, a second VO and dataset, stewardship, the auditor role).
/// </summary>
public sealed partial class AuthorizationWorld : HospitalPortalFactory
{
    private static readonly DemoSession.Person Erin = new(TestFederation.University, "erin", "Erin Researcher", ["faculty", "member"]);
    private static readonly DemoSession.Person Frank = new(TestFederation.University, "frank", "Frank Imaging", ["faculty", "member"]);
    private static readonly DemoSession.Person Grace = new(TestFederation.Hospital, "grace", "Grace Owner", ["staff", "member"]);
    private static readonly DemoSession.Person Henry = new(TestFederation.Hospital, "henry", "Henry Steward", ["staff", "member"]);
    private static readonly DemoSession.Person Ivy = new(TestFederation.Hospital, "ivy", "Ivy Auditor", ["staff", "member"]);

    public static readonly Guid OtherVo = new("0b7f2c1e-0000-4000-8000-00000000f100");
    public static readonly Guid OtherDataset = new("0b7f2c1e-0000-4000-8000-00000000f201");

    private readonly SemaphoreSlim _once = new(1, 1);
    private readonly Dictionary<Persona, HttpClient> _clients = [];
    private readonly Dictionary<Persona, Guid> _users = [];

    private readonly string _uploads = Directory.CreateTempSubdirectory("portal-matrix-uploads-").FullName;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
        base.ExtraSettings.Append(new("Connectors:UploadFolder", _uploads));

    protected override async Task DisposeExtrasAsync()
    {
        await base.DisposeExtrasAsync();
        Directory.Delete(_uploads, recursive: true);
    }

    public HttpClient Client(Persona persona) => _clients[persona];

    public Guid UserId(Persona persona) => _users[persona];

    /// <summary>A member of the demo VO who is none of the personas: the one to name as steward or grantee.</summary>
    public Guid Bystander { get; private set; }

    public async Task ReadyAsync()
    {
        await _once.WaitAsync();
        try
        {
            if (_clients.Count == 0)
            {
                await BuildAsync();
            }
        }
        finally
        {
            _once.Release();
        }
    }

    private async Task BuildAsync()
    {
        await PolicyLoadedAsync();
        _clients[Persona.Anonymous] = CreateBrowserClient();
        await SignInAsync(Persona.ResearcherWithGrant, DemoSeed.Bob);
        await SignInAsync(Persona.VoAdmin, DemoSeed.Dave);
        await SignInAsync(Persona.Owner, DemoSeed.Alice);
        foreach (var (persona, person) in new[]
                 {
                     (Persona.ResearcherWithoutGrant, Erin), (Persona.OtherVoMember, Frank), (Persona.OtherDatasetOwner, Grace),
                     (Persona.Steward, Henry), (Persona.Auditor, Ivy),
                 })
        {
            var client = CreateBrowserClient();
            await DemoSession.SignInAsync(client, person);
            _clients[persona] = client;
            await using var lookup = CreateDb();
            var subject = DemoSeed.SubjectId(person.Login, person.Idp.Scope);
            _users[persona] = lookup.Users.Single(u => u.Subject == subject).Id;
        }

        var now = Clock.GetUtcNow();
        await using (var db = CreateDb())
        {
            db.Memberships.Add(Member(_users[Persona.ResearcherWithoutGrant], DemoSeed.CohortVo, VoRole.Member, now));
            db.VirtualOrganizations.Add(new VirtualOrganization
            {
                Id = OtherVo,
                Name = "Imaging consortium",
                JoinPolicy = VoJoinPolicy.OpenWithApproval,
                CreatedById = _users[Persona.OtherVoMember],
                CreatedAt = now,
                Memberships =
                [
                    Member(_users[Persona.OtherVoMember], OtherVo, VoRole.Admin, now),
                    Member(_users[Persona.OtherDatasetOwner], OtherVo, VoRole.Member, now),
                ],
            });
            db.Users.Single(u => u.Id == _users[Persona.Auditor]).PlatformRoles = PlatformRoles.Auditor;
            await db.SaveChangesAsync();

            var patients = db.Datasets.Single(d => d.Id == DemoSeed.PatientsDataset);
            db.Datasets.Add(new Dataset
            {
                Id = OtherDataset,
                OwnerId = _users[Persona.OtherDatasetOwner],
                Name = "Imaging cohort",
                Status = DatasetStatus.Active,
                Connector = new ConnectorSettings { Kind = patients.Connector.Kind, Host = patients.Connector.Host, Port = patients.Connector.Port, Database = patients.Connector.Database, Schema = "public", Relation = "patients", Username = patients.Connector.Username, ProtectedPassword = patients.Connector.ProtectedPassword },
                Columns = [.. patients.Columns.Select(c => new DatasetColumn { Name = c.Name, DataType = c.DataType, Classification = c.Classification })],
                DataUse = new DataUseConditions { Primary = "GRU" },
                AnonymizationProfile = patients.AnonymizationProfile,
                ProfileVersion = 1,
                CreatedAt = now,
                UpdatedAt = now,
            });
            db.DatasetShares.Add(new DatasetShare { DatasetId = OtherDataset, VoId = OtherVo, SharedById = _users[Persona.OtherDatasetOwner], SharedAt = now });
            db.DatasetStewards.AddRange(
                new DatasetSteward { DatasetId = DemoSeed.PatientsDataset, UserId = _users[Persona.Steward], AddedById = DemoSeed.Alice, AddedAt = now },
                new DatasetSteward { DatasetId = DemoSeed.AdmissionsDataset, UserId = _users[Persona.Steward], AddedById = DemoSeed.Alice, AddedAt = now });
            await db.SaveChangesAsync();
        }

        Bystander = await FreshMemberAsync(DemoSeed.CohortVo, MembershipStatus.Active);

        // The engine learns of these rows through NOTIFY, like every change: wait until the last of them arrived.
        await EngineHasAsync(e => e.FindDataset(OtherDataset) is not null
            && e.FindDataset(DemoSeed.AdmissionsDataset)?.Stewards.Contains(_users[Persona.Steward]) == true);
    }

    private async Task SignInAsync(Persona persona, Guid demoUser)
    {
        var client = CreateBrowserClient();
        await DemoSession.SignInAsync(client, demoUser);
        _clients[persona] = client;
        _users[persona] = demoUser;
    }

    private static Membership Member(Guid user, Guid vo, VoRole role, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        UserId = user,
        VoId = vo,
        Role = role,
        Status = MembershipStatus.Active,
        CreatedAt = now,
        ActivatedAt = now,
    };
}
