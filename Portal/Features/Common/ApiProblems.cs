using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Common;

/// <summary>A service refusal as RFC 7807 problem details, with the `errors` dictionary naming the field when there is one.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult ToProblem(this Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var extensions = new Dictionary<string, object?>();
        if (failure.Field is not null)
        {
            extensions["errors"] = new Dictionary<string, string[]> { [failure.Field] = [failure.Message] };
        }
        return TypedResults.Problem(
            statusCode: (int)failure.Kind,
            title: Title(failure.Kind),
            detail: failure.Message,
            extensions: extensions);
    }

    private static string Title(FailureKind kind) => kind switch
    {
        FailureKind.Invalid => "The request was not valid.",
        FailureKind.Unauthorized => "Sign-in required.",
        FailureKind.Forbidden => "Not allowed.",
        FailureKind.NotFound => "Not found.",
        FailureKind.Conflict => "Conflict with the current state.",
        FailureKind.Gone => "No longer valid.",
        FailureKind.TooLarge => "Too large.",
        _ => "The request could not be completed.",
    };
}
