# Alanine dipeptide (ACE-ALA-NME) heavy atoms from ideal internal coordinates, C7eq (phi -80, psi 75):
# python3 build.py writes ala2.pdb; gmx pdb2gmx adds the hydrogens.
import math
def sub(a,b): return [a[i]-b[i] for i in range(3)]
def add(a,b): return [a[i]+b[i] for i in range(3)]
def mul(a,s): return [x*s for x in a]
def cross(a,b): return [a[1]*b[2]-a[2]*b[1], a[2]*b[0]-a[0]*b[2], a[0]*b[1]-a[1]*b[0]]
def norm(a): l=math.sqrt(sum(x*x for x in a)); return [x/l for x in a]
def place(a,b,c,bond,angle,tors):
    # NeRF: place d given a,b,c with |cd|=bond, angle bcd, dihedral abcd
    angle=math.radians(angle); tors=math.radians(tors)
    bc=norm(sub(c,b)); n=norm(cross(sub(b,a),bc)); m=cross(n,bc)
    d2=[-bond*math.cos(angle), bond*math.sin(angle)*math.cos(tors), bond*math.sin(angle)*math.sin(tors)]
    return add(c, add(add(mul(bc,d2[0]), mul(m,d2[1])), mul(n,d2[2])))
phi, psi = -80.0, 75.0  # C7eq
atoms=[]
CH3=[0.0,0.0,0.0]; C0=[1.52,0.0,0.0]; O0=place([0,1,0],CH3,C0,1.23,121.0,0.0)
N1=place(O0,CH3,C0,1.33,116.0,180.0)  # trans to... placed via O reference
N1=place([0,1,0],CH3,C0,1.33,116.0,180.0)
CA=place(CH3,C0,N1,1.46,122.0,180.0)       # omega
C1=place(C0,N1,CA,1.53,110.0,phi)
O1=place(N1,CA,C1,1.23,121.0,psi+180.0)
N2=place(N1,CA,C1,1.33,116.0,psi)
CB=place(C1,N1,CA,1.53,110.0,-122.7)  # L-alanine: (N-CA).((C-CA)x(CB-CA)) > 0, as tleap's alanine dipeptide
C2=place(CA,C1,N2,1.46,122.0,180.0)
rows=[("CH3","ACE",1,CH3),("C","ACE",1,C0),("O","ACE",1,O0),("N","ALA",2,N1),("CA","ALA",2,CA),("CB","ALA",2,CB),
      ("C","ALA",2,C1),("O","ALA",2,O1),("N","NME",3,N2),("CH3","NME",3,C2)]
with open("ala2.pdb","w") as f:
    for i,(name,res,rid,x) in enumerate(rows,1):
        f.write("ATOM  %5d %-4s %3s A%4d    %8.3f%8.3f%8.3f  1.00  0.00\n"%(i," "+name if len(name)<4 else name,res,rid,x[0],x[1],x[2]))
    f.write("END\n")
