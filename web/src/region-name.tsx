// A region code shown as its names (清远市连州市大路边镇寒鸭村委会).
import { regionPath } from './api';
import { useAsync } from './ui';

export function RegionName({ code }: { code: string }) {
  const path = useAsync(() => regionPath(code), [code]);
  // The province's own path is empty (paths start under it): it is named as itself.
  return <span title={code}>{path.data ? path.data.map((r) => r.name).join(' ') || '广东省' : code}</span>;
}
