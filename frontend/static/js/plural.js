// plural says "1 article" or "3 articles": every count shown in words is built with it, so
// none reads "1 articles".
export function plural(n, one, many = one + 's') {
  return `${n} ${n === 1 ? one : many}`;
}
