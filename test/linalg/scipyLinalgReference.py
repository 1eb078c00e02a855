# The reference values of test/linalg/scipyLinalgReference.ts: run with /usr/bin/python3 (SciPy 1.10), paste ref2.json there.
import numpy as np, scipy.linalg as sl, json
rng=np.random.default_rng(7)
R=lambda *s: np.round(rng.normal(size=s),4)
out={}
# schur / hessenberg
sch=[]
for n in [1,2,3,4,6]:
    a=R(n,n); t,z=sl.schur(a); h,q=sl.hessenberg(a,calc_q=True)
    sch.append(dict(a=a.tolist(),t=t.tolist(),z=z.tolist(),h=h.tolist(),q=q.tolist(),ev=sorted([[float(e.real),float(e.imag)] for e in np.linalg.eigvals(a)])))
out['schur']=sch
# sylvester
syl=[]
for (m,n) in [(2,2),(3,2),(4,3),(1,3)]:
    a=R(m,m); b=R(n,n); c=R(m,n)
    syl.append(dict(a=a.tolist(),b=b.tolist(),c=c.tolist(),x=sl.solve_sylvester(a,b,c).tolist()))
out['sylvester']=syl
# sqrtm: spd, general with complex pairs, upper triangular
sq=[]
a=R(4,4); s=a@a.T+0.5*np.eye(4); sq.append(dict(a=s.tolist(),x=sl.sqrtm(s).real.tolist()))
a=R(4,4)+3*np.eye(4); x=sl.sqrtm(a); assert abs(np.imag(x)).max()<1e-12, abs(np.imag(x)).max(); sq.append(dict(a=a.tolist(),x=np.real(x).tolist(),ev=[str(e) for e in np.linalg.eigvals(a)]))
a=np.array([[1.,2,3],[0,4,5],[0,0,9]]); sq.append(dict(a=a.tolist(),x=np.real(sl.sqrtm(a)).tolist()))
a=np.array([[0.,-4],[4,0]]); sq.append(dict(a=a.tolist(),x=np.real(sl.sqrtm(a)).tolist()))
a=R(5,5)+2.5*np.eye(5); sq.append(dict(a=a.tolist(),x=np.real(sl.sqrtm(a)).tolist(),ev=[str(e) for e in np.linalg.eigvals(a)]))
out['sqrtm']=sq
# expm_frechet
ef=[]
for n,sc in [(3,1.0),(4,0.1),(3,5.0)]:
    a=R(n,n)*sc; e=R(n,n); ea,l=sl.expm_frechet(a,e)
    ef.append(dict(a=a.tolist(),e=e.tolist(),expm=ea.tolist(),l=l.tolist()))
out['expmFrechet']=ef
json.dump(out,open('ref2.json','w'))
for d in sq: print(d.get('ev'))
