using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Kernel;

/// <summary>
/// A refusal as RFC 9457 problem details: <c>code</c> beside <c>title</c>/<c>detail</c>, and the <c>errors</c>
/// dictionary naming the field when there is one.
/// </summary>
public static class ApiProblems
{
    public static ProblemHttpResult ToProblem(this Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var extensions = new Dictionary<string, object?> { ["code"] = failure.Code };
        if (failure.Details is { Count: > 0 } details)
        {
            extensions["errors"] = details.GroupBy(d => d.Field).ToDictionary(g => g.Key, g => g.Select(d => d.Message).ToArray());
            extensions["violations"] = details.Select(d => new { field = d.Field, code = d.Code, message = d.Message }).ToArray();
        }
        else if (failure.Field is not null)
        {
            extensions["errors"] = new Dictionary<string, string[]> { [failure.Field] = [failure.Message] };
        }
        return TypedResults.Problem(
            statusCode: (int)failure.Kind,
            title: Title(failure.Kind),
            detail: failure.Message,
            extensions: extensions);
    }

    /// <summary>The code of a problem the portal did not write itself (status pages, authentication, rate limits).</summary>
    public static string CodeForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "request.invalid",
        StatusCodes.Status401Unauthorized => "auth.sign_in_required",
        StatusCodes.Status403Forbidden => "auth.forbidden",
        StatusCodes.Status404NotFound => "request.not_found",
        StatusCodes.Status405MethodNotAllowed => "request.method_not_allowed",
        StatusCodes.Status413PayloadTooLarge => "request.too_large",
        StatusCodes.Status415UnsupportedMediaType => "request.unsupported_media_type",
        StatusCodes.Status429TooManyRequests => "request.rate_limited",
        StatusCodes.Status503ServiceUnavailable => "server.unavailable",
        >= 500 => "server.error",
        _ => "request.failed",
    };

    private static string Title(FailureKind kind) => kind switch
    {
        FailureKind.Invalid => "The request was not valid.",
        FailureKind.Unauthorized => "Sign-in required.",
        FailureKind.Forbidden => "Not allowed.",
        FailureKind.NotFound => "Not found.",
        FailureKind.Conflict => "Conflict with the current state.",
        FailureKind.Gone => "No longer valid.",
        FailureKind.TooLarge => "Too large.",
        FailureKind.TooMany => "Too many requests.",
        FailureKind.Unavailable => "Temporarily unavailable.",
        _ => "The request could not be completed.",
    };
}
