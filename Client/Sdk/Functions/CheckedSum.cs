using System.Globalization;
using System.Linq.Expressions;
using System.Numerics;

namespace OrleansFlow.Functions;

/// <summary>
/// The reduce function of the built-in <c>Sum</c> aggregations: adds a field with overflow checks, so a sum that
/// leaves its type's range fails the job instead of wrapping around to a wrong answer (Flink's sum wraps; we do not).
/// Floating-point sums follow IEEE rules (they reach infinity rather than throw).
/// </summary>
internal static class CheckedSum
{
    /// <summary>A reduce function summing the field <paramref name="field"/> selects.</summary>
    public static Delegates.ReduceFn<T> Of<T, TField>(Expression<Func<T, TField>> field)
        where TField : INumber<TField>
    {
        var accessor = FieldAccessor<T, TField>.Create(field);
        var name = field.Body is MemberExpression { Member: var member } && !IsTuple(member.DeclaringType) ? $"field {member.Name}" : "the field";
        return new Delegates.ReduceFn<T>((acc, x) => accessor.With(acc, Add(accessor.Get(acc), accessor.Get(x), name)));
    }

    /// <summary>Whether the member belongs to a value tuple, whose element names (Item1, ...) say nothing to the user.</summary>
    private static bool IsTuple(Type? type) => type is { IsGenericType: true } && type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal);

    /// <summary><paramref name="sum"/> + <paramref name="value"/>, or an <see cref="OverflowException"/> naming both and <paramref name="what"/>.</summary>
    public static TField Add<TField>(TField sum, TField value, string what)
        where TField : INumber<TField>
    {
        try
        {
            return checked(sum + value);
        }
        catch (OverflowException e)
        {
            throw new OverflowException(
                string.Create(CultureInfo.InvariantCulture, $"the sum of {what} overflows {typeof(TField).Name}: {sum} + {value}"), e);
        }
    }
}
