using Portal.Connectors.Anonymization;
using Portal.Connectors.Tests.Support;

namespace Portal.Connectors.Tests;

/// <summary>One valid profile, then a table of single mutations, each with the error it must produce (Sustainsys style).</summary>
public sealed class ProfileValidationTests
{
    [Fact]
    public void The_valid_profile_parses_and_round_trips()
    {
        var profile = AnonymizationProfile.Parse(Patients.ProfileJson(4));
        Assert.Equal(4, profile.K);
        Assert.Equal(12, profile.Columns.Count);
        Assert.Equal(ColumnClass.DirectIdentifier, profile.Find("patient_id")!.Class);
        var again = AnonymizationProfile.Parse(profile.ToJson());
        Assert.Equal(profile.Columns.Select(c => (c.Name, c.Class, c.Transform.Type)), again.Columns.Select(c => (c.Name, c.Class, c.Transform.Type)));
    }

    [Fact]
    public async Task The_demo_profile_is_valid()
    {
        var profile = await AnonymizationProfile.LoadAsync(Path.Combine(RepoPaths.Root, "deploy", "demo", "patients-profile.json"));
        Assert.Equal(5, profile.K);
        Assert.Equal(["birth_date", "sex", "postcode", "admission_date"], profile.Columns.Where(c => c.Class == ColumnClass.QuasiIdentifier).Select(c => c.Name));
    }

    public static TheoryData<string, string, string> Mutations => new()
    {
        { "\"formatVersion\": 1", "\"formatVersion\": 2", "formatVersion: must be 1 (found 2)" },
        { "\"name\": \"visits\"", "\"name\": \"\"", "name: required" },
        { "\"version\": 7", "\"version\": 0", "version: must be 1 or more" },
        { "\"k\": 3", "\"k\": 0", "k: must be between 1 and 100000 (found 0)" },
        { "\"subjectColumn\": \"patient_id\"", "\"subjectColumn\": \"nobody\"", "subjectColumn: 'nobody' is not one of the profile's columns" },
        { "\"subjectColumn\": \"patient_id\",", "", "subjectColumn: required because a column uses dateShift" },
        { "\"purposes\": [\"HMB\", \"DS:HIV\"]", "\"purposes\": []", "consent[0] 'research_consent': purposes must list at least one purpose code" },
        { "\"mrn\", \"class\": \"directIdentifier\", \"transform\": { \"type\": \"drop\" }", "\"mrn\", \"class\": \"directIdentifier\", \"transform\": { \"type\": \"keep\" }", "columns[2] 'mrn': a directIdentifier must be dropped, redacted, masked or pseudonymized, not 'keep'" },
        { "\"type\": \"dateGeneralize\", \"to\": \"year\"", "\"type\": \"dateGeneralize\", \"to\": \"decade\"", "columns[5] 'birth_date': transform.to must be 'year' or 'yearMonth'" },
        { "\"type\": \"dateShift\", \"maxDays\": 60", "\"type\": \"dateShift\"", "columns[8] 'admission_date': transform.maxDays is required, between 1 and 3650" },
        { "\"type\": \"noise\", \"bound\": 5", "\"type\": \"noise\", \"bound\": -1", "columns[10] 'cd4_count': transform.bound is required and must be positive" },
        { "\"digits\": 3, \"restrictedPrefixes\": [\"036\"]", "\"digits\": 3, \"restrictedPrefixes\": [\"03\"]", "columns[7] 'postcode': transform.restrictedPrefixes must each have exactly 3 characters" },
        { "{ \"name\": \"sex\", \"class\": \"quasiIdentifier\" }", "{ \"name\": \"sex\", \"class\": \"quasiIdentifier\", \"transform\": { \"type\": \"noise\", \"bound\": 1 } }", "columns[6] 'sex': a quasiIdentifier needs a deterministic generalizing transform, not 'noise'" },
        { "{ \"name\": \"sex\", \"class\": \"quasiIdentifier\" }", "{ \"name\": \"sex\", \"class\": \"quasiIdentifier\", \"transform\": { \"type\": \"shuffle\" } }", "columns[6] 'sex': transform.type 'shuffle' is unknown" },
        { "{ \"name\": \"sex\", \"class\": \"quasiIdentifier\" }", "{ \"name\": \"sex\", \"class\": \"famous\" }", "profile is not valid JSON at $.columns[6].class" },
        { "{ \"name\": \"sex\", \"class\": \"quasiIdentifier\" }", "{ \"name\": \"sex\", \"class\": \"quasiIdentifier\", \"colour\": \"red\" }", "profile is not valid JSON at $.columns[6].colour" },
        { "{ \"name\": \"sex\", \"class\": \"quasiIdentifier\" }", "{ \"name\": \"visit_id\", \"class\": \"quasiIdentifier\" }", "columns[6] 'visit_id': listed twice" },
        { "{ \"name\": \"sex\", \"class\": \"quasiIdentifier\" }", "{ \"name\": \"sex\", \"class\": \"quasiIdentifier\", \"transform\": { \"type\": \"hierarchy\", \"file\": \"h.csv\" } }", "columns[6] 'sex': transform.level is required and must be 0 or more" },
        { "{ \"name\": \"sex\", \"class\": \"quasiIdentifier\" }", "{ \"name\": \"sex\", \"class\": \"quasiIdentifier\", \"transform\": { \"type\": \"pseudonym\", \"length\": 8 } }", "columns[6] 'sex': a quasiIdentifier needs a deterministic generalizing transform, not 'pseudonym'" },
        { "{ \"type\": \"pseudonym\", \"domain\": \"patient\" }", "{ \"type\": \"pseudonym\", \"length\": 8 }", "columns[1] 'patient_id': transform.length must be between 16 and 64 hex characters" },
        { "\"type\": \"boolean\"", "\"type\": \"date\"", "consent[0] 'research_consent': a consent column must be boolean" },
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void Each_single_mutation_is_reported_by_name(string original, string replacement, string error)
    {
        var json = Patients.ProfileJson();
        Assert.Contains(original, json, StringComparison.Ordinal);
        var mutated = json.Replace(original, replacement, StringComparison.Ordinal);
        var e = Assert.Throws<ProfileValidationException>(() => AnonymizationProfile.Parse(mutated));
        Assert.Contains(e.Errors, m => m.StartsWith(error, StringComparison.Ordinal));
    }

    [Fact]
    public void All_errors_are_reported_together()
    {
        var e = Assert.Throws<ProfileValidationException>(() => AnonymizationProfile.Parse("""{ "formatVersion": 9, "version": 0, "k": 0, "columns": [] }"""));
        Assert.Equal(5, e.Errors.Count);
    }

    [Fact]
    public void Hierarchy_levels_are_checked_against_the_file()
    {
        var json = """
            { "formatVersion": 1, "name": "a", "version": 1,
              "columns": [ { "name": "race", "class": "quasiIdentifier", "transform": { "type": "hierarchy", "file": "adult_hierarchy_race.csv", "level": 2 } } ] }
            """;
        var e = Assert.Throws<ProfileValidationException>(() => AnonymizationProfile.Parse(json, RepoPaths.Adult));
        Assert.Equal(["columns[0] 'race': transform.level 2 is beyond the hierarchy's 2 levels (0..1)"], e.Errors);
    }
}
