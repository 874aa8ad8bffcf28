using System.Linq.Expressions;
using System.Reflection;

namespace OrleansFlow.Functions;

/// <summary>
/// Reads one field of a record and makes a copy of the record with that field replaced, from a selector such as
/// <c>x =&gt; x.Count</c> (a field or property of the record, or the record itself). Records of reference type are
/// copied shallowly before the field is set, so records already emitted never change.
/// </summary>
internal sealed class FieldAccessor<T, TField>
{
    private FieldAccessor(Func<T, TField> get, Func<T, TField, T> with)
    {
        Get = get;
        With = with;
    }

    public Func<T, TField> Get { get; }

    public Func<T, TField, T> With { get; }

    public static FieldAccessor<T, TField> Create(Expression<Func<T, TField>> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var parameter = selector.Parameters[0];
        if (selector.Body == parameter)
        {
            return new FieldAccessor<T, TField>(x => (TField)(object)x!, (_, v) => (T)(object)v!);
        }

        if (selector.Body is not MemberExpression { Member: var member } body || body.Expression != parameter
            || member is not (FieldInfo or PropertyInfo))
        {
            throw new ArgumentException($"The field selector '{selector}' must name a field or property of the record itself (x => x.Field).", nameof(selector));
        }

        if (member is PropertyInfo { CanWrite: false } property)
        {
            throw new ArgumentException($"Property '{property.Name}' of {typeof(T).Name} has no setter or init accessor, so it cannot be aggregated.", nameof(selector));
        }

        var record = Expression.Parameter(typeof(T), "record");
        var value = Expression.Parameter(typeof(TField), "value");
        var copy = Expression.Variable(typeof(T), "copy");
        Expression cloned = typeof(T).IsValueType
            ? record
            : Expression.Convert(Expression.Call(record, typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!), typeof(T));
        var with = Expression.Lambda<Func<T, TField, T>>(
            Expression.Block(
                [copy],
                Expression.Assign(copy, cloned),
                Expression.Assign(Expression.MakeMemberAccess(copy, member), value),
                copy),
            record,
            value);
        return new FieldAccessor<T, TField>(selector.Compile(), with.Compile());
    }
}
