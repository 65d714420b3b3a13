using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Portal.Connectors.Tests.Support;

internal sealed record Visit(
    long VisitId, long PatientId, string Mrn, string FirstName, string LastName, DateOnly BirthDate, string Sex,
    string Postcode, DateOnly AdmissionDate, string Diagnosis, int? Cd4, bool Consent);

/// <summary>Generated HIV-clinic visits: several visits per patient, consent per patient, distinctive identifiers.</summary>
internal static class Patients
{
    public const string Columns = "visit_id,patient_id,mrn,first_name,last_name,birth_date,sex,postcode,admission_date,diagnosis_code,cd4_count,research_consent";

    public static List<Visit> Generate(int patients, int seed)
    {
        var random = new Random(seed);
        var visits = new List<Visit>();
        var visitId = 1L;
        for (var p = 0; p < patients; p++)
        {
            var patientId = 1_000_000_000L + random.NextInt64(8_000_000_000L);
            var mrn = "MRN" + random.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
            var first = "Fn" + Letters(random, 6);
            var last = "Ln" + Letters(random, 8);
            var birth = new DateOnly(1950 + random.Next(6), 1, 1).AddDays(random.Next(365));
            var sex = random.Next(3) switch { 0 => "F", 1 => "M", _ => "X" };
            var postcode = (random.Next(4) switch { 0 => "100", 1 => "101", 2 => "205", _ => "036" }) + random.Next(100).ToString("00", CultureInfo.InvariantCulture);
            var consent = random.NextDouble() < 0.75;
            var count = 1 + random.Next(3);
            for (var v = 0; v < count; v++)
            {
                visits.Add(new Visit(
                    visitId++, patientId, mrn, first, last, birth, sex, postcode,
                    new DateOnly(2015, 1, 1).AddDays(random.Next(3000)),
                    random.Next(3) switch { 0 => "B20", 1 => "B24", _ => "Z21" },
                    random.Next(10) == 0 ? null : random.Next(50, 1200),
                    consent));
            }
        }
        return visits;
    }

    private static string Letters(Random random, int n) =>
        string.Create(n, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('q' + r.Next(9));
            }
        });

    public static string ToCsv(IEnumerable<Visit> visits)
    {
        var sb = new StringBuilder(Columns).Append('\n');
        foreach (var v in visits)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{v.VisitId},{v.PatientId},{v.Mrn},{v.FirstName},{v.LastName},{v.BirthDate:yyyy-MM-dd},{v.Sex},{v.Postcode},{v.AdmissionDate:yyyy-MM-dd},{v.Diagnosis},{v.Cd4},{(v.Consent ? "true" : "false")}\n");
        }
        return sb.ToString();
    }

    public static async Task LoadAsync(string connectionString, string table, IEnumerable<Visit> visits)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var quoted = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using (var create = new NpgsqlCommand($"""
            CREATE TABLE {quoted} (visit_id bigint PRIMARY KEY, patient_id bigint NOT NULL, mrn text, first_name text, last_name text,
              birth_date date, sex char(1), postcode text, admission_date date, diagnosis_code text, cd4_count int, research_consent boolean)
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {quoted} FROM STDIN (FORMAT BINARY)");
        foreach (var v in visits)
        {
            await importer.StartRowAsync();
            await importer.WriteAsync(v.VisitId, NpgsqlDbType.Bigint);
            await importer.WriteAsync(v.PatientId, NpgsqlDbType.Bigint);
            await importer.WriteAsync(v.Mrn, NpgsqlDbType.Text);
            await importer.WriteAsync(v.FirstName, NpgsqlDbType.Text);
            await importer.WriteAsync(v.LastName, NpgsqlDbType.Text);
            await importer.WriteAsync(v.BirthDate, NpgsqlDbType.Date);
            await importer.WriteAsync(v.Sex, NpgsqlDbType.Char);
            await importer.WriteAsync(v.Postcode, NpgsqlDbType.Text);
            await importer.WriteAsync(v.AdmissionDate, NpgsqlDbType.Date);
            await importer.WriteAsync(v.Diagnosis, NpgsqlDbType.Text);
            if (v.Cd4 is { } cd4)
            {
                await importer.WriteAsync(cd4, NpgsqlDbType.Integer);
            }
            else
            {
                await importer.WriteNullAsync();
            }
            await importer.WriteAsync(v.Consent, NpgsqlDbType.Boolean);
        }
        await importer.CompleteAsync();
    }

    /// <summary>The profile the property tests use; k and the names of the columns are the only knobs.</summary>
    public static string ProfileJson(int k = 3) => $$"""
        {
          "formatVersion": 1, "name": "visits", "version": 7, "k": {{k}}, "subjectColumn": "patient_id",
          "consent": [ { "column": "research_consent", "purposes": ["HMB", "DS:HIV"] } ],
          "columns": [
            { "name": "visit_id", "class": "other", "type": "integer" },
            { "name": "patient_id", "class": "directIdentifier", "transform": { "type": "pseudonym", "domain": "patient" } },
            { "name": "mrn", "class": "directIdentifier", "transform": { "type": "drop" } },
            { "name": "first_name", "class": "directIdentifier", "transform": { "type": "drop" } },
            { "name": "last_name", "class": "directIdentifier", "transform": { "type": "redact" } },
            { "name": "birth_date", "class": "quasiIdentifier", "transform": { "type": "dateGeneralize", "to": "year" } },
            { "name": "sex", "class": "quasiIdentifier" },
            { "name": "postcode", "class": "quasiIdentifier", "transform": { "type": "postcode", "digits": 3, "restrictedPrefixes": ["036"] } },
            { "name": "admission_date", "class": "sensitive", "transform": { "type": "dateShift", "maxDays": 60 } },
            { "name": "diagnosis_code", "class": "sensitive" },
            { "name": "cd4_count", "class": "sensitive", "type": "integer", "transform": { "type": "noise", "bound": 5 } },
            { "name": "research_consent", "class": "other", "type": "boolean", "transform": { "type": "drop" } }
          ]
        }
        """;
}
