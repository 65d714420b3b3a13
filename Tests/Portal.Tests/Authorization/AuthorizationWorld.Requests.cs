using System.Globalization;
using System.Text;
using Portal.Features.Demo;

namespace Portal.Tests.Authorization;

/// <summary>A matrix row made into a request: its placeholders filled, its body (JSON or a multipart upload) attached.</summary>
public partial class AuthorizationWorld
{
    public HttpRequestMessage Request(AuthorizationMatrixTests.Endpoint call, string fresh)
    {
        ArgumentNullException.ThrowIfNull(call);
        var path = Resolve(call.Path).Replace("{fresh}", fresh, StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(call.Method), new Uri(path, UriKind.Relative));
        if (call.Body is { } multipart && multipart.StartsWith("multipart:", StringComparison.Ordinal))
        {
            request.Content = new MultipartFormDataContent
            {
                { new StringContent(multipart["multipart:".Length..].Replace("{unique}", Guid.NewGuid().ToString("N"), StringComparison.Ordinal)), "name" },
                { new StringContent("csv"), "format" },
                { new ByteArrayContent("id,sex\n1,F\n2,M\n"u8.ToArray()), "file", "cohort.csv" },
            };
        }
        else if (call.Body is not null)
        {
            var body = Resolve(call.Body).Replace("{fresh}", fresh, StringComparison.Ordinal)
                .Replace("{unique}", Guid.NewGuid().ToString("N"), StringComparison.Ordinal);
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        return request;
    }

    private Npgsql.NpgsqlConnectionStringBuilder Hospital => new(HospitalConnectionString);

    /// <summary>The placeholders of a matrix row's path or body, filled with this world's ids.</summary>
    public string Resolve(string text) => text
        .Replace("{vo}", DemoSeed.CohortVo.ToString(), StringComparison.Ordinal)
        .Replace("{otherVo}", AuthorizationWorld.OtherVo.ToString(), StringComparison.Ordinal)
        .Replace("{patients}", DemoSeed.PatientsDataset.ToString(), StringComparison.Ordinal)
        .Replace("{admissions}", DemoSeed.AdmissionsDataset.ToString(), StringComparison.Ordinal)
        .Replace("{otherDataset}", AuthorizationWorld.OtherDataset.ToString(), StringComparison.Ordinal)
        .Replace("{bobGrant}", DemoSeed.BobPatientsGrant.ToString(), StringComparison.Ordinal)
        .Replace("{bobRequest}", DemoSeed.BobAdmissionsRequest.ToString(), StringComparison.Ordinal)
        .Replace("{bob}", DemoSeed.Bob.ToString(), StringComparison.Ordinal)
        .Replace("{me}", "me", StringComparison.Ordinal)
        .Replace("{bystander}", Bystander.ToString(), StringComparison.Ordinal)
        .Replace("{henry}", UserId(Persona.Steward).ToString(), StringComparison.Ordinal)
        .Replace("{hospitalPort}", Hospital.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{hospitalDb}", Hospital.Database, StringComparison.Ordinal)
        .Replace("{hospitalUser}", Hospital.Username, StringComparison.Ordinal)
        .Replace("{hospitalPassword}", Hospital.Password, StringComparison.Ordinal)
        .Replace("{erin}", UserId(Persona.ResearcherWithoutGrant).ToString(), StringComparison.Ordinal);
}
