using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.AccessRequests;
using Portal.Features.Datasets;
using Portal.Features.Demo;
using Portal.Features.Grants;
using Portal.Features.VirtualOrganizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Authorization;

/// <summary>
/// The demo portal on a real hospital database, with one signed-in client per <see cref="Persona"/> and the relations
/// that make each persona what it is (memberships, a second VO and dataset, stewardship, the auditor role).
/// </summary>
public sealed class AuthorizationWorld : HospitalPortalFactory
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

    private static readonly string[] CatalogueScope = ["catalogue:read"];
    private int _made;

    /// <summary>A person nobody signed in as, with a membership of the given status in a VO: a target to change or remove.</summary>
    public async Task<Guid> FreshMemberAsync(Guid vo, MembershipStatus status)
    {
        var n = Interlocked.Increment(ref _made);
        var now = Clock.GetUtcNow();
        var user = new User
        {
            Id = Guid.CreateVersion7(now),
            Issuer = DemoSeed.UniversityIdp,
            Subject = $"fresh-{n}@{DemoSeed.UniversityScope}",
            DisplayName = $"Fresh Person {n}",
            Email = $"fresh{n}@{DemoSeed.UniversityScope}",
            HomeOrganization = DemoSeed.UniversityScope,
            InstitutionId = DemoSeed.University,
            CreatedAt = now,
        };
        var membership = Member(user.Id, vo, VoRole.Member, now);
        membership.Status = status;
        membership.ActivatedAt = status == MembershipStatus.Active ? now : null;
        await using var db = CreateDb();
        db.Users.Add(user);
        db.Memberships.Add(membership);
        await db.SaveChangesAsync();
        return user.Id;
    }

    /// <summary>An open invitation to a VO, by link.</summary>
    public async Task<Guid> FreshInvitationAsync(Guid vo)
    {
        var now = Clock.GetUtcNow();
        var invitation = new Invitation
        {
            Id = Guid.CreateVersion7(now),
            VoId = vo,
            InvitedById = DemoSeed.Dave,
            TokenHash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
            CreatedAt = now,
            ExpiresAt = now.AddDays(7),
        };
        await using var db = CreateDb();
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync();
        return invitation.Id;
    }

    /// <summary>A dataset like the demo patients (Alice owns it, Henry stewards it, shared into the demo VO), known to the engine.</summary>
    public async Task<Guid> FreshDatasetAsync() => await FreshDatasetAsync(shared: true, DatasetStatus.Active);

    public async Task<Guid> FreshDatasetAsync(bool shared, DatasetStatus status)
    {
        var now = Clock.GetUtcNow();
        var id = Guid.NewGuid();
        await using (var db = CreateDb())
        {
            var patients = db.Datasets.AsNoTracking().Single(d => d.Id == DemoSeed.PatientsDataset);
            patients.Id = id;
            patients.Name = $"Fresh {id:N}";
            patients.Stewards = [];
            patients.Shares = [];
            patients.Status = status;
            db.Datasets.Add(patients);
            await db.SaveChangesAsync();
            db.DatasetStewards.Add(new DatasetSteward { DatasetId = id, UserId = _users[Persona.Steward], AddedById = DemoSeed.Alice, AddedAt = now });
            if (shared)
            {
                db.DatasetShares.Add(new DatasetShare { DatasetId = id, VoId = DemoSeed.CohortVo, SharedById = DemoSeed.Alice, SharedAt = now });
            }
            await db.SaveChangesAsync();
        }
        // A draft counts as shared into no VO for the engine.
        var visibleIn = shared && status == DatasetStatus.Active;
        await EngineHasAsync(e => e.FindDataset(id) is { } d && d.Stewards.Contains(_users[Persona.Steward]) && d.SharedIntoVos.Contains(DemoSeed.CohortVo) == visibleIn);
        return id;
    }

    /// <summary>A pending request of Bob's (DS:HIV, 30 days) on a fresh dataset.</summary>
    public async Task<Guid> FreshRequestOfBobAsync()
    {
        var dataset = await FreshDatasetAsync();
        var now = Clock.GetUtcNow();
        var request = new AccessRequest
        {
            Id = Guid.NewGuid(),
            DatasetId = dataset,
            RequesterId = DemoSeed.Bob,
            VoId = DemoSeed.CohortVo,
            Purpose = new Purpose { Code = "DS", Disease = "HIV" },
            PurposeDescription = "Long-term outcomes.",
            EthicsReference = "UNI-IRB-2026-117",
            RequestedFrom = now,
            RequestedUntil = now.AddDays(30),
            TermsAcceptedAt = now,
            TermsVersion = 1,
            CreatedAt = now,
        };
        await using var db = CreateDb();
        db.AccessRequests.Add(request);
        await db.SaveChangesAsync();
        return request.Id;
    }

    /// <summary>A live personal grant (DS:HIV, 30 days) on a fresh dataset, to Bob or to a fresh person.</summary>
    public async Task<Guid> FreshGrantAsync(bool toBob)
    {
        var dataset = await FreshDatasetAsync();
        var grantee = toBob ? DemoSeed.Bob : await FreshMemberAsync(DemoSeed.CohortVo, MembershipStatus.Active);
        var now = Clock.GetUtcNow();
        var grant = new Grant
        {
            Id = Guid.NewGuid(),
            DatasetId = dataset,
            GranteeKind = GranteeKind.Person,
            GranteeUserId = grantee,
            Purposes = [new Purpose { Code = "DS", Disease = "HIV" }],
            ProfileVersion = 1,
            K = 5,
            ValidFrom = now,
            ValidUntil = now.AddDays(30),
            CreatedById = DemoSeed.Alice,
            CreatedAt = now,
        };
        await using (var db = CreateDb())
        {
            db.Grants.Add(grant);
            await db.SaveChangesAsync();
        }
        await EngineHasAsync(e => e.FindGrant(grant.Id) is not null);
        return grant.Id;
    }

    private async Task EngineHasAsync(Func<Portal.Policy.PolicySnapshot, bool> arrived)
    {
        var engine = Services.GetRequiredService<Portal.Policy.PolicyEngine>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!arrived(engine.Current))
        {
            Assert.True(DateTime.UtcNow < deadline, "the policy engine did not receive a change within 10 s");
            await Task.Delay(10);
        }
    }

    /// <summary>An unread in-portal notification for Bob.</summary>
    public async Task<Guid> FreshNotificationOfBobAsync()
    {
        var notification = new Notification
        {
            Id = Guid.NewGuid(),
            UserId = DemoSeed.Bob,
            Kind = "test",
            Title = "Something happened",
            CreatedAt = Clock.GetUtcNow(),
            EmailStatus = EmailStatus.None,
        };
        await using var db = CreateDb();
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        return notification.Id;
    }

    /// <summary>A VO every persona is a member of, run by the bystander: each persona can leave it once.</summary>
    public async Task<Guid> FreshVoOfEveryoneAsync()
    {
        var now = Clock.GetUtcNow();
        var vo = new VirtualOrganization { Id = Guid.NewGuid(), Name = $"Everyone {Interlocked.Increment(ref _made)}", CreatedById = Bystander, CreatedAt = now };
        vo.Memberships.Add(Member(Bystander, vo.Id, VoRole.Admin, now));
        vo.Memberships.AddRange(_users.Values.Distinct().Select(u => Member(u, vo.Id, VoRole.Member, now)));
        await using var db = CreateDb();
        db.VirtualOrganizations.Add(vo);
        await db.SaveChangesAsync();
        return vo.Id;
    }

    /// <summary>A token of Bob's that another persona may try to revoke.</summary>
    public async Task<Guid> FreshTokenOfBobAsync()
    {
        using var response = await Client(Persona.ResearcherWithGrant).PostAsJsonAsync(
            new Uri("/api/tokens", UriKind.Relative), new { name = $"bob {Interlocked.Increment(ref _made)}", scopes = CatalogueScope, expiresInDays = 7 });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("token").GetProperty("id").GetGuid();
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
