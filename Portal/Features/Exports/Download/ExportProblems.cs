namespace Portal.Features.Exports.Download;

/// <summary>
/// An export's refusals as problem details with their <c>code</c>; they keep their own titles ("Export not
/// permitted.", "Exports are not configured."), which say more to a person with a download tool than the generic ones.
/// </summary>
internal static class ExportProblems
{
    public static IResult Problem(int status, string code, string title, string detail, IDictionary<string, object?>? more = null)
    {
        var extensions = new Dictionary<string, object?>(more ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);
    }
}
