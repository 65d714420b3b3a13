using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Datasets;
using Portal.Features.Datasets.Sources;
using Portal.Features.VirtualOrganizations;

namespace Portal.Features.Demo;

/// <summary>
/// Demo data with fixed identifiers: a hospital and a university, four people, one VO, two datasets over the demo
/// hospital database, one grant and one pending request. Runs once; a second run finds the data and changes nothing.
/// </summary>
public sealed class DemoSeed(PortalDb db, AuditLog audit, TimeProvider time, IConfiguration configuration, DatasetCredentials credentials)
{
    /// <summary>Where deploy/idp.sh serves the demo IdPs unless Demo:IdpBaseUrl says otherwise.</summary>
    public const string DefaultIdpBaseUrl = "http://localhost:8081";
    public const string HospitalIdp = DefaultIdpBaseUrl + "/idp/hospital";
    public const string UniversityIdp = DefaultIdpBaseUrl + "/idp/university";
    public const string HospitalScope = "hospital.example.org";
    public const string UniversityScope = "university.example.edu";

    /// <summary>The demo IdP's subject-id for a login: a SHA-256 of login@scope, scoped (see deploy/idp/authsources.php).</summary>
    public static string SubjectId(string login, string scope) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{login}@{scope}"))) + "@" + scope;

    public static readonly Guid Hospital = new("0b7f2c1e-0000-4000-8000-000000000001");
    public static readonly Guid University = new("0b7f2c1e-0000-4000-8000-000000000002");
    public static readonly Guid Alice = new("0b7f2c1e-0000-4000-8000-0000000000a1");
    public static readonly Guid Bob = new("0b7f2c1e-0000-4000-8000-0000000000b0");
    public static readonly Guid Carol = new("0b7f2c1e-0000-4000-8000-0000000000c0");
    public static readonly Guid Dave = new("0b7f2c1e-0000-4000-8000-0000000000d0");
    public static readonly Guid CohortVo = new("0b7f2c1e-0000-4000-8000-000000000100");
    public static readonly Guid PatientsDataset = new("0b7f2c1e-0000-4000-8000-000000000201");
    public static readonly Guid AdmissionsDataset = new("0b7f2c1e-0000-4000-8000-000000000202");
    public static readonly Guid BobPatientsGrant = new("0b7f2c1e-0000-4000-8000-000000000301");
    public static readonly Guid BobAdmissionsRequest = new("0b7f2c1e-0000-4000-8000-000000000401");

    public static readonly IReadOnlySet<Guid> UserIds = new HashSet<Guid> { Alice, Bob, Carol, Dave };

    public async Task<bool> RunAsync(CancellationToken ct)
    {
        if (await db.Institutions.AnyAsync(i => i.Id == Hospital, ct))
        {
            return false;
        }
        var now = time.GetUtcNow();
        var idpBase = (configuration["Demo:IdpBaseUrl"] ?? DefaultIdpBaseUrl).TrimEnd('/');
        var hospitalIdp = idpBase + "/idp/hospital";
        var universityIdp = idpBase + "/idp/university";
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        db.Institutions.AddRange(
            new Institution { Id = Hospital, Name = "Example University Hospital", IdpEntityId = hospitalIdp, Scopes = [HospitalScope], Country = "NL", CreatedAt = now },
            new Institution { Id = University, Name = "Example University", IdpEntityId = universityIdp, Scopes = [UniversityScope], Country = "DE", CreatedAt = now });

        db.Users.AddRange(
            Person(Alice, hospitalIdp, "alice", HospitalScope, "Alice Owner", Hospital, ["staff", "member"], now),
            Person(Carol, hospitalIdp, "carol", HospitalScope, "Carol Steward", Hospital, ["staff", "member"], now, PlatformRoles.Auditor),
            Person(Bob, universityIdp, "bob", UniversityScope, "Bob Researcher", University, ["faculty", "member"], now),
            Person(Dave, universityIdp, "dave", UniversityScope, "Dave Admin", University, ["staff", "member"], now));
        await db.SaveChangesAsync(ct);

        db.VirtualOrganizations.Add(new VirtualOrganization
        {
            Id = CohortVo,
            Name = "HIV Cohort Collaboration",
            Description = "Hospital clinicians and university researchers studying long-term outcomes of HIV care.",
            JoinPolicy = VoJoinPolicy.InvitationOnly,
            DefaultMembershipDays = 365,
            CreatedById = Dave,
            CreatedAt = now,
            Memberships =
            [
                Member(Dave, VoRole.Admin, now, null),
                Member(Alice, VoRole.Member, now, now.AddDays(365)),
                Member(Carol, VoRole.Member, now, now.AddDays(365)),
                Member(Bob, VoRole.Member, now, now.AddDays(365)),
            ],
        });

        // With a site agent (deploy/run.sh) the portal is told nothing about the hospital database: no host, no login.
        var hospital = DemoSiteAgent.Enabled(configuration) ? new ConnectorSettings { Kind = ConnectorKind.Agent } : new ConnectorSettings
        {
            Kind = ConnectorKind.PostgreSql,
            // In containers the hospital database is another host ("postgres"), not this machine.
            Host = configuration["Demo:HospitalHost"] ?? "127.0.0.1",
            Port = configuration.GetValue("Demo:HospitalPort", 5433),
            Database = configuration["Demo:HospitalDatabase"] ?? "hospital",
            Schema = "public",
            Username = configuration["Demo:HospitalUser"] ?? "hospital_reader",
            ProtectedPassword = configuration["Demo:HospitalPassword"] is { Length: > 0 } password ? credentials.Protect(password) : null,
        };
        var profile = DemoProfile();
        db.Datasets.AddRange(
            HospitalDataset(PatientsDataset, "HIV clinic patients", "patients",
                "One row per patient of the HIV clinic: demographics, diagnosis and latest CD4 count and viral load.",
                new DataUseConditions { Primary = "DS", Diseases = ["HIV"], Modifiers = ["NCU", "IRB"] }, hospital, profile, now),
            HospitalDataset(AdmissionsDataset, "Recent admissions (2020 onwards)", "recent_admissions",
                "Patients admitted since 1 January 2020.",
                new DataUseConditions { Primary = "HMB", Modifiers = ["NPU"] }, hospital, profile, now));
        await db.SaveChangesAsync(ct);

        db.DatasetStewards.AddRange(
            new DatasetSteward { DatasetId = PatientsDataset, UserId = Carol, AddedById = Alice, AddedAt = now },
            new DatasetSteward { DatasetId = AdmissionsDataset, UserId = Carol, AddedById = Alice, AddedAt = now });
        db.DatasetShares.AddRange(
            new DatasetShare { DatasetId = PatientsDataset, VoId = CohortVo, SharedById = Alice, SharedAt = now },
            new DatasetShare { DatasetId = AdmissionsDataset, VoId = CohortVo, SharedById = Alice, SharedAt = now });

        db.Grants.Add(new Grant
        {
            Id = BobPatientsGrant,
            DatasetId = PatientsDataset,
            GranteeKind = GranteeKind.Person,
            GranteeUserId = Bob,
            Purposes = [new Purpose { Code = "DS", Disease = "HIV" }],
            ProfileVersion = 1,
            K = 5,
            ValidFrom = now,
            ValidUntil = now.AddDays(30),
            CreatedById = Alice,
            CreatedAt = now,
        });
        db.AccessRequests.Add(new AccessRequest
        {
            Id = BobAdmissionsRequest,
            DatasetId = AdmissionsDataset,
            RequesterId = Bob,
            VoId = CohortVo,
            Purpose = new Purpose { Code = "HMB" },
            PurposeDescription = "Readmission patterns after antiretroviral therapy changes.",
            EthicsReference = "UNI-IRB-2026-117",
            RequestedFrom = now,
            RequestedUntil = now.AddDays(90),
            TermsAcceptedAt = now,
            TermsVersion = 1,
            CreatedAt = now,
        });
        audit.Add(db, "demo.seeded", AuditOutcome.Success, AuditActor.System);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static User Person(Guid id, string idp, string login, string scope, string name, Guid institution,
        string[] affiliations, DateTimeOffset now, PlatformRoles roles = PlatformRoles.None) => new()
        {
            Id = id,
            Issuer = idp,
            Subject = SubjectId(login, scope),
            DisplayName = name,
            Email = $"{login}@{scope}",
            HomeOrganization = scope,
            InstitutionId = institution,
            Affiliations = [.. affiliations.Select(a => $"{a}@{scope}")],
            PlatformRoles = roles,
            CreatedAt = now,
        };

    private static Membership Member(Guid user, VoRole role, DateTimeOffset now, DateTimeOffset? expires) => new()
    {
        Id = Guid.CreateVersion7(now),
        UserId = user,
        Role = role,
        Status = MembershipStatus.Active,
        CreatedAt = now,
        ActivatedAt = now,
        ExpiresAt = expires,
    };

    /// <summary>deploy/demo/patients-profile.json, embedded at build time.</summary>
    public static string DemoProfile()
    {
        using var stream = typeof(DemoSeed).Assembly.GetManifestResourceStream("demo/patients-profile.json")
            ?? throw new InvalidOperationException("The demo profile is not embedded in the portal.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static Dataset HospitalDataset(Guid id, string name, string relation, string description,
        DataUseConditions dataUse, ConnectorSettings source, string profile, DateTimeOffset now) => new()
        {
            Id = id,
            OwnerId = Alice,
            Name = name,
            Description = description,
            Status = DatasetStatus.Active,
            Connector = source.Kind == ConnectorKind.Agent ? new ConnectorSettings { Kind = ConnectorKind.Agent, SiteDataset = relation } : new ConnectorSettings
            {
                Kind = source.Kind,
                Host = source.Host,
                Port = source.Port,
                Database = source.Database,
                Schema = source.Schema,
                Relation = relation,
                Username = source.Username,
                ProtectedPassword = source.ProtectedPassword,
            },
            AnonymizationProfile = profile,
            Columns =
            [
                Column("patient_id", "bigint", ColumnClass.DirectIdentifier),
                Column("mrn", "text", ColumnClass.DirectIdentifier),
                Column("first_name", "text", ColumnClass.DirectIdentifier),
                Column("last_name", "text", ColumnClass.DirectIdentifier),
                Column("birth_date", "date", ColumnClass.QuasiIdentifier),
                Column("sex", "character(1)", ColumnClass.QuasiIdentifier),
                Column("postcode", "text", ColumnClass.QuasiIdentifier),
                Column("admission_date", "date", ColumnClass.QuasiIdentifier),
                Column("diagnosis_code", "text", ColumnClass.Sensitive),
                Column("cd4_count", "integer", ColumnClass.Sensitive),
                Column("viral_load", "integer", ColumnClass.Sensitive),
                Column("research_consent", "boolean", ColumnClass.Consent),
            ],
            DataUse = dataUse,
            TermsOfUse = "Use the data only for the stated purpose. Do not attempt to re-identify anyone. Delete the data when the grant ends. Cite the HIV Cohort Collaboration in publications.",
            ProfileVersion = 1,
            DefaultK = 5,
            CreatedAt = now,
            UpdatedAt = now,
        };

    private static DatasetColumn Column(string name, string type, ColumnClass c) => new() { Name = name, DataType = type, Classification = c };
}
