using System.Globalization;
using System.Text.Json;
using Portal.Policy;
using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Benchmarks.Policy;

/// <summary>
/// Writes the benchmark world, the questions and this engine's answers as JSON for cedar/bench.mjs, which turns
/// them into Cedar policies and entities and checks that Cedar gives the same permit/deny.
/// Times are Unix milliseconds; disease lineages are precomputed here because Cedar has no hierarchy of strings.
/// </summary>
internal static class CedarExport
{
    private static readonly string[] ExportScope = ["data:export"];

    public static void Write(string path, PolicyBenchData data, PolicySnapshot snapshot)
    {
        var diseases = snapshot.Diseases;
        var document = new
        {
            users = data.Subjects.Select(s => new { id = s.Id, institution = s.HomeInstitutionId, suspended = s.Suspended }),
            memberships = data.Memberships.Select(m => new { user = m.UserId, vo = m.VoId, role = Role(m.Role), expires = Ms(m.ExpiresAt ?? DateTimeOffset.MaxValue) }),
            datasets = data.DatasetList.Select(d => new
            {
                id = d.Id,
                withdrawn = d.Status == DatasetAvailability.Withdrawn,
                primary = d.DataUse.Primary.ToString(),
                diseases = d.DataUse.Diseases,
                modifiers = Enum.GetValues<DuoModifiers>().Where(m => m != DuoModifiers.None && d.DataUse.Has(m)).Select(m => m.ToString()),
            }),
            grants = data.GrantList.Select(g => new
            {
                id = g.Id,
                dataset = g.DatasetId,
                kind = g.Target.Kind.ToString(),
                user = g.Target.UserId,
                vo = g.Target.VoId,
                role = Role(g.Target.Role),
                institution = g.Target.InstitutionId,
                from = Ms(g.ValidFrom),
                until = Ms(g.ValidUntil),
                revoked = g.IsRevoked,
                purposes = g.Purposes.Select(p => new { key = Key(p.Code, p.Disease), commercial = p.CommercialAllowed }),
            }),
            questions = data.Requests.Select(r => new
            {
                user = r.SubjectId,
                dataset = r.ResourceId,
                now = Ms(r.Now),
                purpose = r.Purpose.Code == PurposeCode.None ? "" : r.Purpose.Code.ToString(),
                disease = r.Purpose.Disease ?? "",
                lineage = r.Purpose.Disease is { } d ? diseases.LineageOf(d).Select(x => x.ToUpperInvariant()) : [],
                purposeKeys = PurposeKeys(r.Purpose, diseases),
                commercial = r.Purpose.Commercial,
                ethics = r.Purpose.HasEthicsApproval,
                token = r.Client.Kind == ClientKind.ApiToken,
                scopes = r.Client.Kind == ClientKind.ApiToken && r.Client.Allows(TokenScopes.DataExport) ? ExportScope : [],
                expected = snapshot.Decide(r).IsPermit ? "allow" : "deny",
            }),
        };
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, document);
    }

    // The keys a declared purpose satisfies in a grant: its code alone, and its code with the disease or any ancestor.
    private static IEnumerable<string> PurposeKeys(DeclaredPurpose p, DiseaseHierarchy diseases) =>
        p.Code == PurposeCode.None ? []
        : p.Disease is null ? [Key(p.Code, null)]
        : diseases.LineageOf(p.Disease).Select(d => Key(p.Code, d)).Prepend(Key(p.Code, null));

    private static string Key(PurposeCode code, string? disease) =>
        disease is null ? code.ToString() : string.Create(CultureInfo.InvariantCulture, $"{code}:{disease.ToUpperInvariant()}");

    private static string Role(MemberRole role) => role.ToString().ToLowerInvariant();

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();
}
