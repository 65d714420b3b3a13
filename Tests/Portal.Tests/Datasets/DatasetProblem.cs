using System.Net;
using System.Text.Json;

namespace Portal.Tests.Datasets;

/// <summary>Refusals of the dataset and export endpoints: asserted by status, stable code and field, never by sentence.</summary>
internal static class DatasetProblem
{
    /// <summary>Asserts problem details with the status, the code and, when given, an `errors` entry for the field; returns the problem.</summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(text);
        Assert.True(doc.RootElement.TryGetProperty("code", out var actual), $"the problem has a code: {text}");
        Assert.Equal(code, actual.GetString());
        Assert.False(string.IsNullOrWhiteSpace(doc.RootElement.GetProperty("detail").GetString()));
        if (field is not null)
        {
            Assert.True(doc.RootElement.GetProperty("errors").TryGetProperty(field, out var messages), $"errors names {field}: {text}");
            Assert.NotEmpty(messages.EnumerateArray());
        }
        return doc.RootElement.Clone();
    }
}
